"""What a participant's details must look like, checked the same at registration and when an
organiser corrects them."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the contest reads its lists with clean(), and Services holds the contest
    from handlers.context import Services

_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-.][^\W\d_]+)*\.?$")
MIN_BIRTH_YEAR = 1920
MIN_AGE = 6


def fold(text: str) -> str:
    """Lower case without diacritics, for matching what people type to a list."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return " ".join(
        "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split()
    )


# Controls (NUL, escapes), format characters (bidirectional overrides, zero-width spaces and
# joiners, byte order marks), private-use, unassigned and separator code points: invisible or
# misleading in a name, and NUL is refused by PostgreSQL and by the Excel export.
_INVISIBLE = {"Cc", "Cf", "Co", "Cn", "Cs", "Zl", "Zp"}


def _visible(text: str) -> str:
    """The text without the characters a person cannot see or did not mean to type."""
    return "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE)


def clean(text: str) -> str:
    """A typed value as it is kept: visible characters, single spaces, composed (NFC)."""
    return unicodedata.normalize("NFC", " ".join(_visible(text).split()))


def valid_name(value: str) -> bool:
    """Whether a cleaned full name is acceptable: two words or more, letters only."""
    return 4 <= len(value) <= 100 and len(value.split()) >= 2 and bool(_NAME.match(value))


def valid_unit(value: str) -> bool:
    """Whether a cleaned agency or unit name has an acceptable length."""
    return 2 <= len(value) <= 200


def birth_years(svc: Services) -> tuple[int, int]:
    """The years of birth accepted this year (lowest, highest)."""
    return MIN_BIRTH_YEAR, svc.clock.now().astimezone(svc.contest.tz).year - MIN_AGE


def locality_named(svc: Services, value: str) -> str | None:
    """The contest's locality a typed name stands for (case, diacritics and the kind of place
    aside), as the list writes it."""
    return svc.contest.localities.named(value)
