"""What the database holds, read back plainly through the ORM: the oracle tests compare the
bot's own (faster, hand-written) reads and the workbooks against."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import col, select

from storage.db import Database
from storage.models import Attempt, AttemptAnswer
from storage.repos import AnswerRow


async def stored_attempts(db: Database, attempt_ids: Sequence[int]) -> dict[int, Attempt]:
    """The attempts with these ids, by id (unknown ids left out)."""
    async with db.session() as s:
        rows = await s.exec(select(Attempt).where(col(Attempt.id).in_(list(attempt_ids))))
        return {a.id: a for a in rows if a.id is not None}


async def stored_answers(db: Database, attempt_ids: Sequence[int]) -> dict[int, list[AnswerRow]]:
    """The answers of each attempt in question order; an id with none maps to []."""
    out: dict[int, list[AnswerRow]] = {i: [] for i in attempt_ids}
    async with db.session() as s:
        rows = await s.exec(
            select(AttemptAnswer)
            .where(col(AttemptAnswer.attempt_id).in_(list(attempt_ids)))
            .order_by(col(AttemptAnswer.attempt_id), col(AttemptAnswer.position))
        )
        for a in rows:
            out[a.attempt_id].append(AnswerRow(a.position, a.question_id, a.choice, a.answered_at))
    return out
