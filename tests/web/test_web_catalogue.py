"""The web pages' catalogue: every key the pages use exists and fills cleanly, every key is
used, and texts are plain, NFC-normalised Vietnamese."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from bot.web.texts import WEB_CATALOGUE, WebTexts

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "bot" / "web"
SOURCES = sorted([*WEB.glob("*.py"), *(WEB / "templates").glob("*.html")])
# t("web.x.y") or t('web.x.y') in templates, catalogue("web.x.y") in views; "web.x.y" as an
# argument naming a text to show (refuse(request, 403, "web.refused.link")).
USED = re.compile(
    r"""(?:\bt|catalogue)\(\s*["'](web\.[a-z_.]+)["']|["'](web\.[a-z_]+\.[a-z_.]+)["']"""
)
# Keys put together where they are used.
DYNAMIC = {
    **{f"web.status.{s}": "status names" for s in ("scheduled", "open", "closed")},
    **{f"web.broadcasts.status_{s}": "broadcast status" for s in ("sending", "done")},
    **{f"web.public.qr_{n}": "QR names" for n in ("telegram", "zalo", "trang")},
    **{
        f"web.public.{n}{part}": "join cards"
        for n in ("telegram", "zalo")
        for part in ("", "_how", "_button")
    },
    **{f"web.rounds.{k}_{a}": "round actions" for k in ("confirm", "done") for a in ("mo", "dong")},
    **{f"web.rounds.confirm_{a}_title": "round actions" for a in ("mo", "dong")},
    "web.results.final": "the ranking's state",
    "web.results.running": "the ranking's state",
}
TEXTS = WebTexts()


def _used() -> set[str]:
    found: set[str] = set()
    for path in SOURCES:
        for a, b in USED.findall(path.read_text(encoding="utf-8")):
            found.add(a or b)
    # "web.status." + status and the like: the keys they make are in DYNAMIC.
    return {k for k in found if not k.endswith((".", "_"))}


def _refusals() -> set[str]:
    """Refusal pages show `<key>_title` as well as `<key>`."""
    return {
        f"{k}_title" for k in _used() if k.startswith("web.refused.") and k != "web.refused.home"
    }


def test_the_scan_finds_keys_in_templates_and_views() -> None:
    used = _used()
    assert "web.nav.overview" in used  # a template
    assert "web.refused.csrf" in used  # a view
    assert len(used) > 100


def test_every_key_used_exists() -> None:
    assert (_used() | set(DYNAMIC) | _refusals()) - TEXTS.templates.keys() == set()


def test_every_key_is_used() -> None:
    assert TEXTS.templates.keys() - _used() - set(DYNAMIC) - _refusals() == set()


@pytest.mark.parametrize("key", sorted(TEXTS.templates))
def test_every_text_is_plain_and_fills_with_its_placeholders(key: str) -> None:
    assert "<" not in TEXTS.templates[key], key
    names = TEXTS.placeholders(key)
    filled = TEXTS(key, **{n: f"<{n}>" for n in names})
    for n in names:
        assert f"&lt;{n}&gt;" in filled
    assert "{" not in filled
    assert unicodedata.is_normalized("NFC", TEXTS.templates[key])


def test_the_catalogue_file_is_nfc_normalised() -> None:
    raw = WEB_CATALOGUE.read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", raw)
