"""The catalogue of everything a participant or organiser reads.

Templates may use the small HTML subset Telegram understands (<b>, <i>, <code>); every value
substituted into a template is escaped, so text typed by users or taken from a question bank
can never inject markup. Channels without markup strip the tags with `plain()`.
"""

from __future__ import annotations

import html
import re
import string
from pathlib import Path
from typing import Any

import yaml

CATALOGUE_DIR = Path(__file__).parent
_TAG = re.compile(r"</?(?:b|i|u|s|code|pre)>")


class Raw(str):
    """A value that is already markup-safe (built from catalogue text and escaped values)."""

    __slots__ = ()


class Texts:
    """One locale's catalogue: `texts("quiz.question", n=3)` returns the filled template."""

    def __init__(self, locale: str = "vi") -> None:
        path = CATALOGUE_DIR / f"{locale}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        self.locale = locale
        self.templates: dict[str, str] = _flatten(data)

    def __call__(self, key: str, /, **values: Any) -> Raw:
        template = self.templates[key]
        safe = {
            k: v if isinstance(v, Raw) else html.escape(str(v), quote=False)
            for k, v in values.items()
        }
        return Raw(template.format(**safe))

    def placeholders(self, key: str) -> set[str]:
        """The names a template expects."""
        return {name for _, name, _, _ in string.Formatter().parse(self.templates[key]) if name}


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
