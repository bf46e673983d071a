"""Reading a choice typed on a phone: "B", "b.", "2", "đáp án b", "Đáp án: C", "số 3".

Every channel takes typed answers by the same rules (Telegram alongside its buttons, Zalo and
the console instead of them), so they live here, with no I/O.
"""

from __future__ import annotations

import re
import unicodedata

# "B", "b.", "(b)", "2", "đáp án b", "Đáp án: C", "chọn c", "đáp án là d" (after folding).
_ANSWER = re.compile(
    r"(?:(?:dap an|chon|tra loi)(?: la)?\s*[:.\-]?\s*)?"
    r"\(?(?P<answer>[a-z]|[0-9])\)?\s*[.)!]?"
)
# "2", "2.", "số 2"
_NUMBER = re.compile(r"(?:so\s*)?(?P<n>[0-9]{1,2})\s*[.)]?")


def fold(text: str) -> str:
    """Lower case, no diacritics (đ -> d), single spaces: how people type on a phone."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


def answer_index(text: str) -> int | None:
    """The option a typed answer picks (0 for "A", "a", "1", "đáp án a"...), or None."""
    match = _ANSWER.fullmatch(fold(text))
    if match is None:
        return None
    answer = match["answer"]
    if answer.isdigit():
        return int(answer) - 1 if answer != "0" else None
    return ord(answer) - ord("a")


def option_number(text: str) -> int | None:
    """The number typed to pick from a numbered list ("2", "2.", "số 2"), or None."""
    match = _NUMBER.fullmatch(fold(text))
    return int(match["n"]) if match is not None else None
