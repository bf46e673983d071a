"""The web pages' catalogue (handlers/texts/web.yaml): every text a page shows, in Vietnamese.

Texts are plain (no markup); values are escaped when filled in, and the result is markup-safe
for Jinja, so `t(key, name=x)` in a template escapes `x` once and the template text not at all.
"""

from __future__ import annotations

import string
from typing import Any

import yaml
from markupsafe import Markup, escape

from handlers.texts import CATALOGUE_DIR, _flatten

WEB_CATALOGUE = CATALOGUE_DIR / "web.yaml"


class WebTexts:
    """`catalogue("web.nav.overview")` -> the text, ready for a template."""

    def __init__(self) -> None:
        data = yaml.safe_load(WEB_CATALOGUE.read_text(encoding="utf-8"))
        self.templates: dict[str, str] = _flatten(data)

    def __call__(self, key: str, /, **values: Any) -> Markup:
        return Markup(escape(self.templates[key])).format(**values)

    def placeholders(self, key: str) -> set[str]:
        """The names a template expects."""
        return {name for _, name, _, _ in string.Formatter().parse(self.templates[key]) if name}
