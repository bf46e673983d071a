"""contest.yaml's `practice_bank`: a bank file read for practice only (never a round's).

A path relative to contest.yaml; load_contest reads it, so a bank that cannot be loaded stops
the contest from starting with every problem named, as a bad list file does.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

from pydantic import BeforeValidator

from questions import BankError, Question, load_bank


@dataclass(frozen=True)
class PracticeBank:
    """The practice questions read from their file, and a name that changes with them."""

    file: str
    questions: tuple[Question, ...]
    # The pictures its questions name, by that name.
    images: dict[str, bytes] = field(default_factory=dict, compare=False)

    @property
    def key(self) -> str:
        """The bank name its questions are kept under in SQL: a digest of their content, so a
        changed file is a new set of questions and an unchanged one is stored once."""
        content = json.dumps(
            [
                [q.text, list(q.options), q.correct, q.source, q.topic, q.explanation, q.image]
                for q in self.questions
            ],
            ensure_ascii=False,
        )
        return "thi-thu-" + hashlib.sha256(content.encode()).hexdigest()[:16]


def read_practice_bank(path: Path) -> PracticeBank:
    """The practice bank in the file; ValueError naming every problem when it cannot be used."""
    try:
        bank = load_bank(path)
    except BankError as exc:
        raise ValueError(f"{path}: {exc.summary()}") from None
    return PracticeBank(file=path.name, questions=tuple(bank.questions), images=bank.images)


def _convert(value: object) -> object:
    if value is None or value == "" or isinstance(value, PracticeBank):
        return value or None
    if isinstance(value, str):
        return read_practice_bank(Path(value))
    raise ValueError("expected the path of a question bank file (.xlsx, .csv, .txt, .yaml)")


PracticeBankFile = Annotated[PracticeBank | None, BeforeValidator(_convert)]


def resolve_practice_bank(raw: dict[str, object], contest_file: Path) -> None:
    """Make a relative `practice_bank` path relative to contest.yaml (as list files are)."""
    value = raw.get("practice_bank")
    if isinstance(value, str) and value and not Path(value).is_absolute():
        raw["practice_bank"] = str(contest_file.parent / value)
