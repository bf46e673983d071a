"""The catalogue of everything a participant or organiser reads.

Templates may use the small HTML subset Telegram understands (<b>, <i>, <code>); every value
substituted into a template is escaped, so text typed by users or taken from a question bank
can never inject markup. Channels without markup strip the tags with `plain()`.

A text may differ by channel: `key@zalo` next to `key` is what Zalo users read instead (Zalo
has no buttons to tap, no contact to share). The engine says whose event it is handling
(`speaking_to`), and every text filled meanwhile is the variant that channel reads, so a
handler names the key only, the way aiogram's i18n keeps the current locale.
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_DIR = Path(__file__).parent
_TAG = re.compile(r"</?(?:b|i|u|s|code|pre)>")
VARIANT_MARK = "@"
# The variant each channel reads where the catalogue has one. The console lists options to
# type, as Zalo does, and has no contact to share: it reads Zalo's wording.
CHANNEL_VARIANTS = {"zalo": "zalo", "console": "zalo"}
_channel: ContextVar[str] = ContextVar("texts_channel", default="")


class Raw(str):
    """A value that is already markup-safe (built from catalogue text and escaped values)."""

    __slots__ = ()


class Texts:
    """One locale's catalogue: `texts("quiz.question", n=3)` returns the filled template."""

    def __init__(self, locale: str = "vi") -> None:
        path = CATALOGUE_DIR / f"{locale}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.locale = locale
        flat = _flatten(data)
        # key -> template, and variant -> {key: template} for the keys that variant words its way
        self.templates: dict[str, str] = {k: v for k, v in flat.items() if VARIANT_MARK not in k}
        self.variants: dict[str, dict[str, str]] = {}
        for full, template in flat.items():
            if VARIANT_MARK in full:
                key, _, variant = full.partition(VARIANT_MARK)
                self.variants.setdefault(variant, {})[key] = template
        self._read_by = {
            channel: self.templates | self.variants.get(variant, {})
            for channel, variant in CHANNEL_VARIANTS.items()
        }

    def __call__(self, key: str, /, **values: Any) -> Raw:
        template = self._read_by.get(_channel.get(), self.templates)[key]
        safe = {
            k: v if isinstance(v, Raw) else html.escape(str(v), quote=False)
            for k, v in values.items()
        }
        return Raw(template.format(**safe))

    def placeholders(self, key: str) -> set[str]:
        """The names a template expects."""
        return {name for _, name, _, _ in string.Formatter().parse(self.templates[key]) if name}

    def as_read_on(self, channel: str, key: str) -> str:
        """The template a user of `channel` reads for `key` (its variant, or the plain one)."""
        return self._read_by.get(channel, self.templates)[key]

    @contextmanager
    def speaking_to(self, channel: str) -> Iterator[None]:
        """Fill texts as users of `channel` read them until the block ends (this task only)."""
        token = _channel.set(channel)
        try:
            yield
        finally:
            _channel.reset(token)


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in data.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, full + "."))
        else:
            out[full] = str(value).rstrip("\n")
    return out


def escape(value: str) -> Raw:
    """Escape text for inclusion in a message."""
    return Raw(html.escape(value, quote=False))


def plain(text: str) -> str:
    """The message as plain text, for channels without markup."""
    return html.unescape(_TAG.sub("", text))
