"""The texts catalogue: every key the code uses exists, fills cleanly, and is used."""

from __future__ import annotations

import ast
import re
import string
import unicodedata
from pathlib import Path

import pytest

from handlers.texts import Texts, plain

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(p for folder in ("handlers", "bot") for p in (ROOT / folder).rglob("*.py"))
# texts("quiz.question", ...) or t("quiz.question", ...), also with the key on the next line.
KEY_CALL = re.compile(r"(?:texts|\bt)\(\s*\"([a-z_]+\.[a-z_.]+)\"")
# Keys picked at run time, so no call names them literally.
DYNAMIC_KEYS = {
    "admin.open_none",  # handlers/admin.py: f"admin.{action}_..." for open and close
    "admin.open_pick",
    "admin.open_confirm",
    "admin.close_none",
    "admin.close_pick",
    "admin.close_confirm",
    "admin.broadcast_sending",  # handlers/admin.py: f"admin.broadcast_{status}"
    "admin.broadcast_done",
    "start.welcome",  # handlers/info.py: start(), welcome or welcome_back
    "start.welcome_back",
    "schedule.status_scheduled",  # handlers/info.py: STATUS_KEYS by round status
    "schedule.status_open",
    "schedule.status_closed",
    "results.reason_set_aside",  # handlers/reports/prizes.py: by RoundResults.ineligible
    "jury.hold_phone_of_verified",  # handlers/jury/flags.py: f"jury.hold_{why}"
    "jury.hold_phone_claimed",
    "jury.field_full_name",  # handlers/jury/flags.py: f"jury.field_{field}"
    "jury.field_phone",
    "jury.field_birth_year",
    # handlers/jury/actions.py: JuryError(key), said by whoever called the action
    "jury.reason_needed",
    "jury.frozen",
    "jury.unknown_round",
    "jury.not_closed",
    "jury.not_ranked",
    "jury.no_such_rank",
    "jury.busy",
}

CATALOGUE = Texts("vi")


def _keys_in_code() -> dict[str, list[str]]:
    """Each key named in a texts()/t() call, with the files that name it."""
    found: dict[str, list[str]] = {}
    for path in SOURCES:
        for key in KEY_CALL.findall(path.read_text(encoding="utf-8")):
            found.setdefault(key, []).append(str(path.relative_to(ROOT)))
    return found


def _calls_with_keywords() -> list[tuple[str, str, set[str]]]:
    """(where, key, keyword names) of every texts()/t() call with a literal key and no **."""
    calls = []
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            first = node.args[0]
            if name not in {"texts", "t"} or not isinstance(first, ast.Constant):
                continue
            if not isinstance(first.value, str) or any(k.arg is None for k in node.keywords):
                continue
            where = f"{path.relative_to(ROOT)}:{node.lineno}"
            calls.append((where, first.value, {k.arg for k in node.keywords if k.arg}))
    return calls


def test_the_scan_finds_the_keys_it_should() -> None:
    used = _keys_in_code()
    assert "quiz.question" in used  # a call split over lines
    assert "register.ask_name" in used
    assert len(used) > 50
    checked = {key for _, key, _ in _calls_with_keywords()}
    assert {"quiz.question", "quiz.result", "register.summary"} <= checked


def test_every_key_used_in_code_exists_in_the_catalogue() -> None:
    missing = {k: files for k, files in _keys_in_code().items() if k not in CATALOGUE.templates}
    assert missing == {}


def test_dynamic_keys_exist_in_the_catalogue() -> None:
    assert DYNAMIC_KEYS - CATALOGUE.templates.keys() == set()


def test_every_catalogue_key_is_used() -> None:
    unused = CATALOGUE.templates.keys() - _keys_in_code().keys() - DYNAMIC_KEYS
    assert unused == set()


def test_every_call_passes_exactly_the_placeholders_of_its_template() -> None:
    wrong = []
    for where, key, given in _calls_with_keywords():
        if key in CATALOGUE.templates and given != CATALOGUE.placeholders(key):
            wrong.append((where, key, sorted(given), sorted(CATALOGUE.placeholders(key))))
    assert wrong == []


@pytest.mark.parametrize("key", sorted(CATALOGUE.templates))
def test_every_template_formats_with_its_own_placeholders(key: str) -> None:
    names = CATALOGUE.placeholders(key)
    for _, name, spec, conversion in string.Formatter().parse(CATALOGUE.templates[key]):
        if name is not None:
            assert name.isidentifier(), f"{key}: placeholder {name!r} is not a plain name"
            assert not spec, f"{key}: {{{name}:{spec}}} has a format spec"
            assert conversion is None, f"{key}: {{{name}!{conversion}}} has a conversion"
    text = CATALOGUE(key, **{n: f"<{n}>" for n in names})
    for n in names:
        assert f"&lt;{n}&gt;" in text  # filled, and escaped
    assert "{" not in plain(text).replace("&lt;", "")
    assert "}" not in plain(text)


@pytest.mark.parametrize("key", sorted(CATALOGUE.templates))
def test_every_value_is_nfc_normalised(key: str) -> None:
    value = CATALOGUE.templates[key]
    assert unicodedata.is_normalized("NFC", value), key


def test_catalogue_file_is_nfc_normalised_throughout() -> None:
    raw = (ROOT / "handlers" / "texts" / "vi.yaml").read_text(encoding="utf-8")
    bad = [
        (i, line)
        for i, line in enumerate(raw.splitlines(), start=1)
        if not unicodedata.is_normalized("NFC", line)
    ]
    assert bad == []


@pytest.mark.parametrize("key", sorted(CATALOGUE.templates))
def test_every_template_uses_only_markup_telegram_understands(key: str) -> None:
    tags = set(re.findall(r"</?([a-zA-Z]+)[^>]*>", CATALOGUE.templates[key]))
    assert tags <= {"b", "i", "u", "s", "code", "pre"}, key
