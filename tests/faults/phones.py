"""Finding phone numbers in text, in any of the forms people and programs write them."""

from __future__ import annotations

import re

# Separators people type between digits, and that JSON or reprs may put there.
_SEP = r"[\s.\-()]?"


def phone_pattern(phone: str) -> re.Pattern[str]:
    """Matches the number's last nine digits however written: +849…, 849…, 09…, 9…, spaced."""
    core = re.sub(r"\D", "", phone)[-9:]
    return re.compile(_SEP.join(re.escape(d) for d in core))


def phones_in(text: str, phones: list[str]) -> list[str]:
    """The phones of `phones` that appear in `text`, each with the line it appears in."""
    found = []
    for phone in phones:
        match = phone_pattern(phone).search(text)
        if match:
            start = text.rfind("\n", 0, match.start()) + 1
            end = text.find("\n", match.end())
            found.append(f"{phone}: {text[start : end if end >= 0 else None][:300]}")
    return found
