"""Rows the storage tests build on: people, a round, a small bank and finished attempts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from questions import Question
from storage.db import Database
from storage.repos import (
    AnswerRow,
    FinishedAttempt,
    ParticipantDetails,
    Participants,
    Questions,
    Rounds,
)

T0 = datetime(2023, 2, 20, 1, 0, tzinfo=UTC)
ROUND = "2023-Q1"
# Round 2023-Q1 as the contest file plans it: 00:00:00 on 15/2 to 23:59:59 on 30/3, at UTC+7.
OPENS = datetime(2023, 2, 14, 17, 0, tzinfo=UTC)
CLOSES = datetime(2023, 3, 30, 16, 59, 59, tzinfo=UTC)

BANK = [
    Question(text=f"Câu hỏi số {i}?", options=("Có", "Không", "Chưa rõ", "Tùy"), correct=i % 4)
    for i in range(1, 11)
]


def details(phone: str, name: str = "Nguyễn Văn An") -> ParticipantDetails:
    return ParticipantDetails(
        full_name=name, phone=phone, birth_year=1990, locality="Hoa Lư", unit="Người dân"
    )


async def person(db: Database, phone: str, *, uid: str | None = None) -> int:
    """A registered participant's id."""
    p = await Participants(db).register(
        details(phone),
        channel="telegram",
        channel_user_id=uid or phone,
        display_name="An",
        source="test",
        now=T0,
    )
    assert p.id is not None
    return p.id


async def round_and_bank(db: Database) -> list[tuple[int, Question]]:
    """Round 2023-Q1 and an active bank of ten questions, with their ids."""
    await Rounds(db).sync([(ROUND, "Quý 1", OPENS, CLOSES)])
    await Questions(db).replace_active("test-bank", BANK, T0)
    return await Questions(db).active()


def attempt(
    code: str,
    participant_id: int,
    bank: list[tuple[int, Question]],
    *,
    right: int,
    stored_correct: int | None = None,
    prediction: int | None = 100,
    duration_s: int = 300,
    submitted: datetime = T0,
) -> FinishedAttempt:
    """A finished attempt answering the first `right` questions right and the rest wrong.

    `stored_correct` is what the attempt row claims; it defaults to the truth.
    """
    answers = []
    for position, (qid, q) in enumerate(bank):
        choice = q.correct if position < right else (q.correct + 1) % len(q.options)
        answers.append(AnswerRow(position, qid, choice, submitted - timedelta(seconds=10)))
    return FinishedAttempt(
        code=code,
        participant_id=participant_id,
        round_code=ROUND,
        channel="telegram",
        started_at=submitted - timedelta(seconds=duration_s),
        submitted_at=submitted,
        local_day="2023-02-20",
        duration_ms=duration_s * 1000,
        correct=right if stored_correct is None else stored_correct,
        total=len(bank),
        prediction=prediction,
        auto_submitted=False,
        answers=tuple(answers),
    )
