"""The banks shipped with the code (questions/banks/): anyone can read their answers.

They let the demo and a fresh installation run, and the bot loads the contest's bank by
itself into an empty database, which in a fresh clone is the sample bank. A round run on
them would be a round whose answers are on the internet, so the bot says so wherever an
organiser looks (see handlers/sample_bank.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

from questions.bank import load_bank
from questions.formats.common import same_text_key
from questions.model import Question

BANKS = Path(__file__).resolve().parent / "banks"


@cache
def _public_texts() -> frozenset[str]:
    return frozenset(
        same_text_key(q.text)
        for path in sorted(BANKS.glob("*.yaml"))
        for q in load_bank(path).questions
    )


def public_count(questions: Iterable[Question]) -> int:
    """How many of these questions are in a bank shipped with the code (by their text)."""
    public = _public_texts()
    return sum(1 for q in questions if same_text_key(q.text) in public)
