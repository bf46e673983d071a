"""The reads of a round's attempts for its reports: what the detail file and the workbook's
statistics show (the answers of the counted attempts, a slice at a time; per-question tallies;
participation; days). Attempts (storage.repos.attempts) has them as its own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Sequence
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Integer, case, func
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from storage.db import Database, Sql
from storage.models import Attempt, AttemptAnswer, Participant, QuestionRow


class AttemptFacts(NamedTuple):
    """What the detail file shows of a counted attempt; instants in ms since the epoch."""

    code: str
    started_ms: int
    submitted_ms: int
    auto_submitted: bool
    channel: str


# One answer of a counted attempt as the detail file reads it: (index of its attempt in the
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


# Every answer of the round a row each, once: per question, whether it is still in the bank,
# and the group of its attempt (1 the upper 27% of the ranking, 2 the lower, none else).
_ROUND_TALLIES_PG = (
    "SELECT a.question_id, q.id IS NOT NULL, g.grp, count(*), "
    "sum(CASE WHEN a.choice = q.correct THEN 1 ELSE 0 END) "
    "FROM attempts AS t JOIN attempt_answers AS a ON a.attempt_id = t.id "
    "LEFT JOIN questions AS q ON q.id = a.question_id "
    "LEFT JOIN (SELECT unnest($2::bigint[]), 1 UNION ALL SELECT unnest($3::bigint[]), 2) "
    "AS g(id, grp) ON g.id = a.attempt_id "
    "WHERE t.round_code = $1 GROUP BY a.question_id, q.id IS NOT NULL, g.grp"
)


@dataclass(frozen=True, slots=True)
class RoundTallies:
    """Each question's tallies over the whole round (`QuestionReads.question_tallies`) and
    over the attempts of the upper and of the lower group (`question_tallies_of`)."""

    round: list[QuestionTally]
    upper: list[QuestionTally]
    lower: list[QuestionTally]


class AttemptReads:
    """The report reads of attempts; `db` is set by Attempts."""

    db: Database

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

    async def round_tallies(
        self, round_code: str, upper: Sequence[int], lower: Sequence[int]
    ) -> RoundTallies:
        """The round's question tallies, and those of the `upper` and `lower` attempt ids (two
        groups without an attempt in common). PostgreSQL counts them in one pass over the
        round's answers (a round of 4,000,000 attempts has 40,000,000, which three reads
        went through three times); SQLite runs the three reads side by side."""
        if self.db.dialect == "sqlite":
            async with asyncio.TaskGroup() as reads:
                whole = reads.create_task(self.question_tallies(round_code))
                high = reads.create_task(self.question_tallies_of(upper))
                low = reads.create_task(self.question_tallies_of(lower))
            return RoundTallies(whole.result(), high.result(), low.result())
        sql = Sql(sqlite="", postgresql=_ROUND_TALLIES_PG)
        rows = await self.db.rows(sql, round_code, list(upper), list(lower), large=True)
        counts: list[dict[int, list[int]]] = [{}, {}, {}]
        for qid, in_bank, group, asked, right in rows:
            for k in (0, group) if in_bank else (group,):
                if k is not None:
                    tally = counts[k].setdefault(qid, [0, 0])
                    tally[0] += asked
                    tally[1] += right or 0
        round_, upper_, lower_ = (
            [QuestionTally(q, n, ok) for q, (n, ok) in sorted(c.items())] for c in counts
        )
        return RoundTallies(round_, upper_, lower_)

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
            # Each person's first day: 1,300,000 people are grouped in memory (3.1 s, against
            # 5.5 s through the index).
            await self.db.large(s)
            new = {day: int(n) for day, n in await (await s.connection()).execute(new_stmt)}
            started = {day: int(n) for day, n in await s.exec(all_stmt)}
        return [DayCount(day, new.get(day, 0), started[day]) for day in sorted(started)]
