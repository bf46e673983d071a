"""The question bank in SQL: the active bank and every question ever asked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, func, update
from sqlmodel import col, select

from questions.model import Question
from storage.db import Database
from storage.models import Attempt, AttemptAnswer, QuestionRow


def _to_question(row: QuestionRow) -> Question:
    return Question(
        text=row.text,
        options=tuple(row.options),
        correct=row.correct,
        source=row.source,
        topic=row.topic,
        explanation=row.explanation,
    )


class Questions:
    """Reads and writes of questions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def replace_active(self, bank: str, items: list[Question], now: datetime) -> int:
        """Make `items` the active bank in one transaction; older rows stay for past attempts."""
        async with self.db.session() as s:
            await s.exec(update(QuestionRow).values(active=False))
            for position, q in enumerate(items, start=1):
                s.add(
                    QuestionRow(
                        bank=bank,
                        position=position,
                        text=q.text,
                        options=list(q.options),
                        correct=q.correct,
                        source=q.source,
                        topic=q.topic,
                        explanation=q.explanation,
                        active=True,
                        imported_at=now,
                    )
                )
        return len(items)

    async def active(self) -> list[tuple[int, Question]]:
        """The active bank, in its order."""
        async with self.db.session() as s:
            stmt = (
                select(QuestionRow)
                .where(col(QuestionRow.active))
                .order_by(col(QuestionRow.position))
            )
            return [(r.id, _to_question(r)) for r in await s.exec(stmt) if r.id is not None]

    async def active_bank(self) -> tuple[str, int, int] | None:
        """(bank name, question count, highest id) of the active bank, or None when empty."""
        async with self.db.session() as s:
            stmt = (
                select(QuestionRow.bank, func.count(), func.max(QuestionRow.id))
                .where(col(QuestionRow.active))
                .group_by(col(QuestionRow.bank))
            )
            row = (await s.exec(stmt)).first()
            return None if row is None else (row[0], int(row[1]), int(row[2] or 0))

    async def by_ids(self, ids: list[int]) -> dict[int, Question]:
        """Questions by id, active or not."""
        async with self.db.session() as s:
            rows = await s.exec(select(QuestionRow).where(col(QuestionRow.id).in_(ids)))
            return {r.id: _to_question(r) for r in rows if r.id is not None}

    async def asked_in(self, round_codes: list[str]) -> list[tuple[int, Question]]:
        """The questions drawn in at least one submitted attempt of these rounds, by id.

        Asked question by question (an index lookup each), not by reading every answer of
        rounds that may hold millions.
        """
        if not round_codes:
            return []
        asked = (
            select(AttemptAnswer.attempt_id)
            .join(Attempt, col(Attempt.id) == col(AttemptAnswer.attempt_id))
            .where(col(AttemptAnswer.question_id) == col(QuestionRow.id))
            .where(col(Attempt.round_code).in_(round_codes))
        )
        async with self.db.session() as s:
            stmt = select(QuestionRow).where(exists(asked)).order_by(col(QuestionRow.id))
            return [(r.id, _to_question(r)) for r in await s.exec(stmt) if r.id is not None]

    async def kept_aside(self, bank: str, items: list[Question], now: datetime) -> list[int]:
        """The ids of `items` stored as the inactive bank `bank` (stored now if they are not):
        questions asked outside the contest (practice) keep ids like every other question.

        `bank` names the content (a digest of it), so rows found under it are these questions;
        two processes storing it at once leave two copies, and the first of each is used.
        """
        async with self.db.session() as s:
            stmt = (
                select(QuestionRow.id, QuestionRow.position)
                .where(col(QuestionRow.bank) == bank)
                .order_by(col(QuestionRow.id))
            )
            found: dict[int, int] = {}
            for qid, position in await s.exec(stmt):
                if qid is not None:
                    found.setdefault(position, qid)
            if len(found) == len(items):
                return [found[p] for p in range(1, len(items) + 1)]
            rows = [
                QuestionRow(
                    bank=bank,
                    position=position,
                    text=q.text,
                    options=list(q.options),
                    correct=q.correct,
                    source=q.source,
                    topic=q.topic,
                    explanation=q.explanation,
                    active=False,
                    imported_at=now,
                )
                for position, q in enumerate(items, start=1)
            ]
            s.add_all(rows)
            await s.flush()
            return [r.id for r in rows if r.id is not None]
