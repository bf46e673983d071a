"""Submitted attempts, their answers, and the ranking query."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Integer, and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.db import Database, Sql
from storage.models import Attempt, AttemptAnswer, QuestionRow
from storage.repos.attempt_reads import AttemptReads
from storage.repos.detail_copy import DetailCopy

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AnswerRow:
    """One question of a finished attempt; `choice` indexes the bank's options."""

    position: int
    question_id: int
    choice: int | None
    answered_at: datetime | None


@dataclass(frozen=True, slots=True)
class FinishedAttempt:
    """Everything SQL keeps of an attempt."""

    code: str
    participant_id: int
    round_code: str
    channel: str
    started_at: datetime
    submitted_at: datetime
    local_day: str
    duration_ms: int
    correct: int
    total: int
    prediction: int | None
    auto_submitted: bool
    answers: tuple[AnswerRow, ...]


class ScoredAttempt(NamedTuple):
    """An attempt as the ranking sees it; `correct` agrees with the stored answers.

    A named tuple: a round has hundreds of thousands, and a tuple is built three times
    faster than a frozen dataclass.
    """

    attempt_id: int
    participant_id: int
    correct: int
    prediction: int | None
    duration_ms: int
    submitted_at: datetime


# submitted_at comes back as an aware UTC datetime (PostgreSQL) or ISO text with its offset
# (SQLite), which `datetime.fromisoformat` reads in one step: a round has 300,000 of them.
_SUBMITTED = (
    "SELECT id, participant_id, correct, prediction, duration_ms, {} FROM attempts "
    "WHERE round_code = {}"
)
_SQLITE_UTC = "submitted_at || '+00:00'"
_PG_UTC = "submitted_at AT TIME ZONE 'UTC'"
_SUBMITTED_IN_ROUND = Sql(
    sqlite=_SUBMITTED.format(_SQLITE_UTC, "?"),
    postgresql=_SUBMITTED.format(_PG_UTC, "$1"),
)
_SUBMITTED_BY = Sql(
    sqlite=_SUBMITTED.format(_SQLITE_UTC, "? AND participant_id = ?"),
    postgresql=_SUBMITTED.format(_PG_UTC, "$1 AND participant_id = $2"),
)
# Each participant's best attempt by the ranking's order (handlers.ranking: more right, then
# the closer prediction, none after any, then the shorter time, the earlier submission, the
# smaller id), picked by PostgreSQL: a third of a round's attempts reach Python.
_BEST_OF_EACH = (
    "SELECT DISTINCT ON (participant_id) id, participant_id, correct, prediction, duration_ms, "
    f"{_PG_UTC} FROM attempts WHERE round_code = $1 ORDER BY participant_id, correct DESC, "
    "CASE WHEN prediction IS NULL THEN 4611686018427387904 "
    "ELSE abs(prediction::bigint - $2::bigint) END, duration_ms, submitted_at, id"
)
# The same, in the ranking's order: Python only numbers them.
_BEST_IN_ORDER = (
    f"SELECT * FROM ({_BEST_OF_EACH}) AS b(id, participant_id, correct, prediction, "
    "duration_ms, submitted_at) ORDER BY correct DESC, CASE WHEN prediction IS NULL THEN "
    "4611686018427387904 ELSE abs(prediction::bigint - $2::bigint) END, duration_ms, "
    "submitted_at, id"
)


class Attempts(AttemptReads, DetailCopy):
    """Reads and writes of attempts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def save(self, attempt: FinishedAttempt) -> bool:
        """Write a finished attempt once; False when its code is already stored."""
        try:
            async with self.db.session() as s:
                exists = (
                    await s.exec(select(Attempt.id).where(Attempt.code == attempt.code))
                ).first()
                if exists is not None:
                    return False
                row = Attempt(
                    code=attempt.code,
                    participant_id=attempt.participant_id,
                    round_code=attempt.round_code,
                    channel=attempt.channel,
                    started_at=attempt.started_at,
                    submitted_at=attempt.submitted_at,
                    local_day=attempt.local_day,
                    duration_ms=attempt.duration_ms,
                    correct=attempt.correct,
                    total=attempt.total,
                    prediction=attempt.prediction,
                    auto_submitted=attempt.auto_submitted,
                )
                s.add(row)
                await s.flush()
                assert row.id is not None
                s.add_all(
                    AttemptAnswer(
                        attempt_id=row.id,
                        position=a.position,
                        question_id=a.question_id,
                        choice=a.choice,
                        answered_at=a.answered_at,
                    )
                    for a in attempt.answers
                )
        except IntegrityError:
            # Another process wrote the same attempt between our check and our insert.
            return False
        return True

    async def count(
        self, participant_id: int, round_code: str, local_day: str | None = None
    ) -> int:
        """Attempts a participant has submitted in a round (on one local day, if given)."""
        async with self.db.session() as s:
            stmt = (
                select(func.count())
                .select_from(Attempt)
                .where(Attempt.participant_id == participant_id, Attempt.round_code == round_code)
            )
            if local_day is not None:
                stmt = stmt.where(Attempt.local_day == local_day)
            return int((await s.exec(stmt)).one())

    async def count_on_day(self, local_day: str) -> int:
        """Attempts submitted that started on a local day (YYYY-MM-DD)."""
        async with self.db.session() as s:
            stmt = select(func.count()).select_from(Attempt).where(Attempt.local_day == local_day)
            return int((await s.exec(stmt)).one())

    async def participants_in_round(self, round_code: str) -> int:
        """How many people have submitted at least one attempt in a round."""
        async with self.db.session() as s:
            stmt = select(func.count(func.distinct(Attempt.participant_id))).where(
                Attempt.round_code == round_code
            )
            return int((await s.exec(stmt)).one())

    async def scored(
        self, round_code: str, participant_id: int | None = None
    ) -> list[ScoredAttempt]:
        """Every attempt of a round with its correct answers counted from the stored answers.

        Two queries run side by side: the attempts as submitted, and a count of right answers
        per attempt grouped in the database that returns only the attempts whose stored
        `correct` it contradicts; their recount replaces it (and is logged, since it means a
        row was changed after submission). Building the whole count row by row in Python
        took seconds for a round of 300,000 attempts.
        """
        stored, recounted = await asyncio.gather(
            self.submitted(round_code, participant_id),
            self.recounts_that_differ(round_code, participant_id),
        )
        return self.corrected(round_code, stored, recounted)

    def corrected(
        self,
        round_code: str,
        stored: list[ScoredAttempt],
        recounted: dict[int, int],
        *,
        logged: bool = True,
    ) -> list[ScoredAttempt]:
        """The attempts with the recounts of `recounts_that_differ` in place (logged, unless
        `logged` is False: one slice of many)."""
        if not recounted:
            return stored
        if logged:
            self.log_recounts(round_code, recounted)
        return [
            a._replace(correct=recounted[a.attempt_id]) if a.attempt_id in recounted else a
            for a in stored
        ]

    def log_recounts(self, round_code: str, recounted: dict[int, int]) -> None:
        """Say that stored right answers were contradicted by the answers, and which."""
        log.warning(
            "round %s: %d attempts' stored right answers differ from their answers "
            "(ranked by the answers), e.g. attempt ids %s",
            round_code,
            len(recounted),
            sorted(recounted)[:10],
        )

    async def submitted(
        self, round_code: str, participant_id: int | None = None
    ) -> list[ScoredAttempt]:
        """Every attempt of a round (of one participant, if given) with `correct` as stored."""
        if participant_id is None:
            rows = await self.db.rows(_SUBMITTED_IN_ROUND, round_code)
        else:
            rows = await self.db.rows(_SUBMITTED_BY, round_code, participant_id)
        if self.db.dialect != "sqlite":
            return list(map(ScoredAttempt._make, rows))
        parse = datetime.fromisoformat
        return [ScoredAttempt(i, p, c, pr, d, parse(at)) for i, p, c, pr, d, at in rows]

    async def submitted_slices(
        self, round_code: str, *, best_for: int | None = None, per_fetch: int = 100_000
    ) -> AsyncIterator[list[ScoredAttempt]]:
        """Every attempt of a round with `correct` as stored, `per_fetch` at a time from a
        database cursor: a round of 4,000,000 attempts is ranked as it is read, never held
        whole (handlers.ranking.BestAttempts).

        With `best_for` (the actual figure), PostgreSQL leaves out every attempt that is not
        its participant's best by the ranking's order (by the stored `correct`); SQLite
        gives them all, which ranks the same.
        """
        sqlite = self.db.dialect == "sqlite"
        parse = datetime.fromisoformat
        params: tuple[object, ...] = (round_code,)
        sql = _SUBMITTED_IN_ROUND
        if best_for is not None and not sqlite:
            sql, params = Sql(sqlite="", postgresql=_BEST_OF_EACH), (round_code, best_for)
        async for rows in self.db.stream(sql, *params, per_fetch=per_fetch):
            if sqlite:
                yield [ScoredAttempt(i, p, c, pr, d, parse(at)) for i, p, c, pr, d, at in rows]
            else:
                yield list(map(ScoredAttempt._make, rows))

    @property
    def ranks_in_database(self) -> bool:
        """Whether `best_in_ranking_order` can be asked (PostgreSQL)."""
        return self.db.dialect != "sqlite"

    async def best_in_ranking_order(
        self, round_code: str, actual: int, *, per_fetch: int = 100_000
    ) -> AsyncIterator[list[ScoredAttempt]]:
        """Each participant's best attempt by the stored `correct`, in the ranking's order
        (handlers.ranking), `per_fetch` at a time from a cursor: PostgreSQL picks and sorts
        them (a round of 4,000,000 attempts has 1,300,000 people). PostgreSQL only."""
        sql = Sql(sqlite="", postgresql=_BEST_IN_ORDER)
        stream = self.db.stream(sql, round_code, actual, per_fetch=per_fetch, large=True)
        async for rows in stream:
            yield list(map(ScoredAttempt._make, rows))

    async def recounts_that_differ(
        self, round_code: str, participant_id: int | None = None
    ) -> dict[int, int]:
        """{attempt id: right answers counted from its answers} where `correct` says otherwise."""
        right = func.coalesce(
            func.sum(case((col(AttemptAnswer.choice) == col(QuestionRow.correct), 1), else_=0)),
            0,
        ).cast(Integer)
        stmt = (
            sa_select(col(Attempt.id), right)
            .join(AttemptAnswer, col(AttemptAnswer.attempt_id) == col(Attempt.id), isouter=True)
            .join(QuestionRow, col(QuestionRow.id) == col(AttemptAnswer.question_id), isouter=True)
            .where(col(Attempt.round_code) == round_code)
            .group_by(col(Attempt.id), col(Attempt.correct))
            .having(right != col(Attempt.correct))
        )
        if participant_id is not None:
            stmt = stmt.where(col(Attempt.participant_id) == participant_id)
        async with self.db.session() as s:
            rows = await (await s.connection()).execute(stmt)
            return {int(attempt_id or 0): int(n) for attempt_id, n in rows}

    async def count_better(
        self, round_code: str, participant_id: int, best: ScoredAttempt, actual: int
    ) -> int:
        """How many other people have an attempt that ranks above `best`.

        Any attempt of another person that beats this participant's best means that person's
        best does too, so one pass over the round's attempts counts them (no full ranking).
        Uses the `correct` stored at submission, which the stored answers always agree with.
        """
        far = 1 << 62
        distance = case(
            (col(Attempt.prediction).is_(None), far),
            else_=func.abs(col(Attempt.prediction) - actual),
        )
        d = far if best.prediction is None else abs(best.prediction - actual)
        better = or_(
            col(Attempt.correct) > best.correct,
            and_(
                col(Attempt.correct) == best.correct,
                or_(
                    distance < d,
                    and_(
                        distance == d,
                        or_(
                            col(Attempt.duration_ms) < best.duration_ms,
                            and_(
                                col(Attempt.duration_ms) == best.duration_ms,
                                col(Attempt.submitted_at) < best.submitted_at,
                            ),
                        ),
                    ),
                ),
            ),
        )
        stmt = select(func.count(func.distinct(Attempt.participant_id))).where(
            Attempt.round_code == round_code, Attempt.participant_id != participant_id, better
        )
        async with self.db.session() as s:
            return int((await s.exec(stmt)).one())

    async def get(self, attempt_id: int) -> Attempt | None:
        """An attempt by id."""
        async with self.db.session() as s:
            return await s.get(Attempt, attempt_id)

    async def by_code(self, code: str) -> Attempt | None:
        """An attempt by its code."""
        async with self.db.session() as s:
            return (await s.exec(select(Attempt).where(Attempt.code == code))).first()
