"""Submitted attempts, their answers, and the ranking query."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Integer, and_, case, func, or_
from sqlalchemy import select as sa_select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.db import Database, Sql
from storage.models import Attempt, AttemptAnswer, Participant, QuestionRow

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


class AttemptFacts(NamedTuple):
    """What the detail sheet shows of a counted attempt; instants in ms since the epoch."""

    code: str
    started_ms: int
    submitted_ms: int
    auto_submitted: bool
    channel: str


# One answer of a counted attempt as the detail sheet reads it: (index of its attempt in the
# ids asked for, position, question id, choice or None, answered_at in ms since the epoch
# or None). Plain rows from the driver: a round of 100,000 people has a million.
AnswerLine = Sequence[Any]


class AttemptAnswers(NamedTuple):
    """A counted attempt as the detail file shows it: its place in the ids asked for, what
    it is (instants in ms since the epoch) and its answers in question order, as lists of
    the same length (an unanswered question has choice and answered_ms None)."""

    place: int
    code: str
    started_ms: int
    submitted_ms: int
    auto_submitted: bool
    channel: str
    positions: Sequence[int]
    question_ids: Sequence[int]
    choices: Sequence[int | None]
    answered_ms: Sequence[int | None]


@dataclass(frozen=True, slots=True)
class AnswerSlice:
    """The counted attempts of a slice of the ids asked for, with their answers, in order
    (an id no longer stored is left out); `start` is the slice's index in the whole list."""

    start: int
    attempts: Sequence[AttemptAnswers]


# Attempts whose answers are read at a time by `answer_slices`: 20,000 are 200,000 answers.
PER_READ = 20_000


@dataclass(frozen=True, slots=True)
class QuestionTally:
    """How often a question was asked in a round and how often it was answered right."""

    question_id: int
    asked: int
    right: int


@dataclass(frozen=True, slots=True)
class Participation:
    """People and attempts of a round that share one locality (or one unit)."""

    name: str
    participants: int
    attempts: int


@dataclass(frozen=True, slots=True)
class DayCount:
    """One local day of a round: people whose first attempt started that day, and attempts."""

    day: str
    new_participants: int
    attempts: int


# An instant as whole milliseconds since the epoch, UTC, worked out by the database: the
# workbook turns it into a cell with integer arithmetic instead of a datetime per row.
# Stored instants are naive UTC; SQLite's julianday() keeps milliseconds.
def _sqlite_ms(column: str) -> str:
    return f"CAST((julianday({column}) - 2440587.5) * 86400000 + 0.5 AS INTEGER)"


def _pg_ms(column: str) -> str:
    return f"CAST(round(extract(epoch FROM {column}) * 1000) AS bigint)"


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
_FACTS = Sql(
    sqlite=(
        f"SELECT id, code, {_sqlite_ms('started_at')}, {_sqlite_ms('submitted_at')}, "
        "auto_submitted, channel FROM attempts WHERE id IN (SELECT value FROM json_each(?))"
    ),
    postgresql=(
        f"SELECT id, code, {_pg_ms('started_at')}, {_pg_ms('submitted_at')}, "
        "auto_submitted, channel FROM attempts WHERE id = ANY($1::bigint[])"
    ),
)
# The answers in the order of the ids given (their index in the list), then by position.
_LINES = Sql(
    sqlite=(
        f"SELECT j.key, a.position, a.question_id, a.choice, {_sqlite_ms('a.answered_at')} "
        "FROM json_each(?) AS j JOIN attempt_answers AS a ON a.attempt_id = j.value "
        "ORDER BY j.key, a.position"
    ),
    postgresql=(
        f"SELECT r.k - 1, a.position, a.question_id, a.choice, {_pg_ms('a.answered_at')} "
        "FROM unnest($1::bigint[]) WITH ORDINALITY AS r(id, k) "
        "JOIN attempt_answers AS a ON a.attempt_id = r.id ORDER BY r.k, a.position"
    ),
)
# One row per attempt, its answers as arrays: a tenth of the rows of _LINES, which asyncpg
# turns into Python a row at a time.
_GROUPS_PG = Sql(
    sqlite="",  # SQLite has no arrays: Attempts._groups groups its rows itself
    postgresql=f"SELECT r.k - 1, t.code, {_pg_ms('t.started_at')}, {_pg_ms('t.submitted_at')}, "
    "t.auto_submitted, t.channel, x.positions, x.questions, x.choices, x.answered "
    "FROM unnest($1::bigint[]) WITH ORDINALITY AS r(id, k) "
    "JOIN attempts AS t ON t.id = r.id "
    "CROSS JOIN LATERAL (SELECT array_agg(a.position ORDER BY a.position) AS positions, "
    "array_agg(a.question_id ORDER BY a.position) AS questions, "
    "array_agg(a.choice ORDER BY a.position) AS choices, "
    f"array_agg({_pg_ms('a.answered_at')} ORDER BY a.position) AS answered "
    "FROM attempt_answers AS a WHERE a.attempt_id = r.id) AS x "
    "ORDER BY r.k",
)
_TALLIES_OF = (
    "SELECT a.question_id, count(*), "
    "sum(CASE WHEN a.choice = q.correct THEN 1 ELSE 0 END) "
    "FROM attempt_answers AS a LEFT JOIN questions AS q ON q.id = a.question_id "
    "WHERE a.attempt_id IN ({}) GROUP BY a.question_id ORDER BY a.question_id"
)
_TALLIES_OF_ATTEMPTS = Sql(
    sqlite=_TALLIES_OF.format("SELECT value FROM json_each(?)"),
    postgresql=_TALLIES_OF.format("SELECT unnest($1::bigint[])"),
)


class Attempts:
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

    async def facts(self, attempt_ids: Sequence[int]) -> dict[int, AttemptFacts]:
        """What the detail sheet shows of each attempt, by id; unknown ids are left out."""
        rows = await self.db.rows(_FACTS, self.db.ids(attempt_ids))
        return {
            i: AttemptFacts(code, started, submitted, bool(auto), channel)
            for i, code, started, submitted, auto, channel in rows
        }

    async def answer_lines(self, attempt_ids: Sequence[int]) -> Sequence[AnswerLine]:
        """Every stored answer of the attempts, in the order of `attempt_ids`, then position.

        Each is an `AnswerLine`. The ids must be distinct.
        """
        return await self.db.rows(_LINES, self.db.ids(attempt_ids))

    async def answer_slices(
        self, attempt_ids: Sequence[int], *, per_read: int = PER_READ
    ) -> AsyncIterator[AnswerSlice]:
        """Every stored answer of the attempts, in the order of `attempt_ids`, then position,
        `per_read` attempts at a time: a round of 1,300,000 people has 13,000,000 answers, so
        they are never all in memory. The next slice is read while the caller works on one.
        """
        ahead: asyncio.Future[list[AttemptAnswers]] | None = None

        def read(start: int) -> Awaitable[list[AttemptAnswers]]:
            return asyncio.ensure_future(self._groups(attempt_ids[start : start + per_read]))

        try:
            for start in range(0, len(attempt_ids), per_read):
                current = ahead if ahead is not None else read(start)
                attempts = await current
                ahead = None
                if start + per_read < len(attempt_ids):
                    ahead = asyncio.ensure_future(read(start + per_read))
                yield AnswerSlice(start, attempts)
        finally:
            if ahead is not None:
                ahead.cancel()

    async def _groups(self, attempt_ids: Sequence[int]) -> list[AttemptAnswers]:
        """The attempts with their answers, in the order of `attempt_ids`."""
        if self.db.dialect != "sqlite":
            rows = await self.db.rows(_GROUPS_PG, list(attempt_ids), compiled=False)
            return [AttemptAnswers(*row) for row in rows]
        # SQLite (a contest small enough for it): the answers a row each, grouped here.
        lines, facts = await asyncio.gather(self.answer_lines(attempt_ids), self.facts(attempt_ids))
        out = []
        for k, answers in groupby(lines, key=itemgetter(0)):
            f = facts.get(attempt_ids[k])
            if f is None:
                continue
            _, positions, questions, choices, answered = zip(*answers, strict=True)
            out.append(AttemptAnswers(k, *f, positions, questions, choices, answered))
        return out

    async def question_tallies_of(self, attempt_ids: Sequence[int]) -> list[QuestionTally]:
        """Each question asked in the given attempts: times asked and times answered right."""
        rows = await self.db.rows(_TALLIES_OF_ATTEMPTS, self.db.ids(attempt_ids))
        return [QuestionTally(int(qid), int(n), int(ok or 0)) for qid, n, ok in rows]

    async def question_tallies(self, round_code: str) -> list[QuestionTally]:
        """Each question asked in a round: times asked and times answered right, by id."""
        right = func.sum(
            case((col(AttemptAnswer.choice) == col(QuestionRow.correct), 1), else_=0)
        ).cast(Integer)
        stmt = (
            select(col(AttemptAnswer.question_id), func.count(), right)
            .join(Attempt, col(Attempt.id) == col(AttemptAnswer.attempt_id))
            .join(QuestionRow, col(QuestionRow.id) == col(AttemptAnswer.question_id))
            .where(col(Attempt.round_code) == round_code)
            .group_by(col(AttemptAnswer.question_id))
            .order_by(col(AttemptAnswer.question_id))
        )
        async with self.db.session() as s:
            return [
                QuestionTally(int(qid), int(asked), int(ok or 0))
                for qid, asked, ok in await s.exec(stmt)
            ]

    async def participation(self, round_code: str, *, by: str) -> list[Participation]:
        """People and attempts of a round per participant `locality` or `unit`, most people first.

        Grouped by what the participant's registration says now.
        """
        if by not in ("locality", "unit"):
            raise ValueError(f"cannot group participation by {by!r}")
        key = col(Participant.locality) if by == "locality" else col(Participant.unit)
        people = func.count(func.distinct(col(Attempt.participant_id)))
        attempts = func.count(col(Attempt.id))
        stmt = (
            select(key, people, attempts)
            .join(Participant, col(Participant.id) == col(Attempt.participant_id))
            .where(col(Attempt.round_code) == round_code)
            .group_by(key)
            .order_by(people.desc(), attempts.desc(), key)
        )
        async with self.db.session() as s:
            return [Participation(name, int(n), int(a)) for name, n, a in await s.exec(stmt)]

    async def days(self, round_code: str) -> list[DayCount]:
        """New participants and attempts started per local day of a round, in day order.

        A participant is new on the local day their first attempt of the round started; days
        without any attempt are left out.
        """
        firsts = (
            select(
                col(Attempt.participant_id),
                func.min(col(Attempt.local_day)).label("day"),
            )
            .where(col(Attempt.round_code) == round_code)
            .group_by(col(Attempt.participant_id))
            .subquery()
        )
        new_stmt = sa_select(firsts.c.day, func.count()).group_by(firsts.c.day)
        all_stmt = (
            select(col(Attempt.local_day), func.count())
            .where(col(Attempt.round_code) == round_code)
            .group_by(col(Attempt.local_day))
        )
        async with self.db.session() as s:
            new = {day: int(n) for day, n in await (await s.connection()).execute(new_stmt)}
            started = {day: int(n) for day, n in await s.exec(all_stmt)}
        return [DayCount(day, new.get(day, 0), started[day]) for day in sorted(started)]
