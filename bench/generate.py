"""A whole round's data written straight into SQL: people, attempts and every answer.

Not through the engine: bulk inserts (SQLite) and COPY (PostgreSQL), so that a round of
100,000 people and 300,000 attempts takes seconds to build rather than hours to play. The
rows look like the bot's own: each attempt asks ten different questions of the active bank,
`correct` agrees with the answers, times fall inside the round.
"""

from __future__ import annotations

import random
import sqlite3
import string
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bench.setup import ROUND, VN, full_name, phone, unit
from questions.model import Question

QUESTIONS_PER_ATTEMPT = 10
CHUNK = 20_000  # attempts generated and written at a time
CHANNELS = ("telegram", "telegram", "telegram", "zalo")
_CODE = string.ascii_lowercase + string.digits


@dataclass
class Round:
    """What the generated attempts need to know of the round and the bank."""

    opens: datetime
    closes: datetime
    bank: list[tuple[int, Question]]
    localities: list[str]


@dataclass
class Rows:
    """One chunk of rows, as tuples in table column order."""

    attempts: list[tuple[Any, ...]]
    answers: list[tuple[Any, ...]]


PARTICIPANT_COLUMNS = (
    "id",
    "phone",
    "full_name",
    "birth_year",
    "locality",
    "unit",
    "source",
    "consent_at",
    "created_at",
    "updated_at",
)
ACCOUNT_COLUMNS = (
    "id",
    "participant_id",
    "channel",
    "channel_user_id",
    "display_name",
    "created_at",
)
ATTEMPT_COLUMNS = (
    "id",
    "code",
    "participant_id",
    "round_code",
    "channel",
    "started_at",
    "submitted_at",
    "local_day",
    "duration_ms",
    "correct",
    "total",
    "prediction",
    "auto_submitted",
)
ANSWER_COLUMNS = ("attempt_id", "position", "question_id", "choice", "answered_at")


def people(n: int, rnd: Round, seed: int) -> Iterator[tuple[list[tuple[Any, ...]], ...]]:
    """Participants and one account each, in chunks: (participants, accounts)."""
    rng = random.Random(seed)
    at = rnd.opens
    for start in range(0, n, CHUNK):
        persons, accounts = [], []
        for pid in range(start + 1, min(start + CHUNK, n) + 1):
            persons.append(
                (
                    pid,
                    phone(pid),
                    full_name(rng),
                    rng.randrange(1960, 2006),
                    rng.choice(rnd.localities),
                    unit(rng),
                    "bench",
                    at,
                    at,
                    at,
                )
            )
            accounts.append((pid, pid, "telegram", str(pid), "", at))
        yield persons, accounts


def attempts(n_people: int, n_attempts: int, rnd: Round, seed: int) -> Iterator[Rows]:
    """`n_attempts` submitted attempts spread over `n_people`, with their answers, in chunks.

    Each person has a skill (chance of a right answer); a few attempts run out of time and
    leave the last questions unanswered; most predict the number of participants. Times are
    whole milliseconds, as the bot's clock gives them.
    """
    rng = random.Random(seed + 1)
    skill = [rng.uniform(0.3, 0.95) for _ in range(n_people + 1)]
    span_ms = int((rnd.closes - rnd.opens).total_seconds() - 3600) * 1000
    codes: set[str] = set()
    chunk = Rows([], [])
    for aid in range(1, n_attempts + 1):
        # Every person has at least one attempt; the rest go to people at random.
        pid = aid if aid <= n_people else rng.randrange(1, n_people + 1)
        code = "".join(rng.choices(_CODE, k=10))
        while code in codes:
            code = "".join(rng.choices(_CODE, k=10))
        codes.add(code)
        started = rnd.opens + timedelta(milliseconds=rng.randrange(span_ms))
        auto = rng.random() < 0.05
        duration_ms = 600_000 if auto else rng.randrange(40_000, 590_000)
        asked = rng.sample(rnd.bank, QUESTIONS_PER_ATTEMPT)
        answered = rng.randrange(4, QUESTIONS_PER_ATTEMPT) if auto else QUESTIONS_PER_ATTEMPT
        right = 0
        step = duration_ms / (QUESTIONS_PER_ATTEMPT + 1)
        for pos, (qid, q) in enumerate(asked):
            choice: int | None = None
            at: datetime | None = None
            if pos < answered:
                if rng.random() < skill[pid]:
                    choice = q.correct
                else:
                    choice = rng.choice([i for i in range(len(q.options)) if i != q.correct])
                right += choice == q.correct
                at = started + timedelta(milliseconds=round(step * (pos + 1)))
            chunk.answers.append((aid, pos, qid, choice, at))
        prediction = None if rng.random() < 0.1 else rng.randrange(1_000, 200_000)
        chunk.attempts.append(
            (
                aid,
                code,
                pid,
                ROUND,
                rng.choice(CHANNELS),
                started,
                started + timedelta(milliseconds=duration_ms),
                started.astimezone(VN).date().isoformat(),
                duration_ms,
                right,
                QUESTIONS_PER_ATTEMPT,
                prediction,
                auto,
            )
        )
        if len(chunk.attempts) >= CHUNK:
            yield chunk
            chunk = Rows([], [])
    if chunk.attempts:
        yield chunk


# ---------------------------------------------------------------- SQLite


def _sqlite_value(v: Any) -> Any:
    if isinstance(v, datetime):
        # How SQLAlchemy stores a DateTime on SQLite: naive UTC, microseconds always written.
        return v.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return v


def _insert(con: sqlite3.Connection, table: str, columns: tuple[str, ...], rows: list[Any]) -> None:
    marks = ", ".join("?" * len(columns))
    con.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
        ([_sqlite_value(v) for v in row] for row in rows),
    )


def fill_sqlite(path: str, n_people: int, n_attempts: int, rnd: Round, seed: int) -> None:
    """Write the round into the SQLite file at `path` (already migrated); no attempts when 0."""
    con = sqlite3.connect(path)
    try:
        with con:
            for persons, accounts in people(n_people, rnd, seed):
                _insert(con, "participants", PARTICIPANT_COLUMNS, persons)
                _insert(con, "accounts", ACCOUNT_COLUMNS, accounts)
            for chunk in attempts(n_people, n_attempts, rnd, seed):
                _insert(con, "attempts", ATTEMPT_COLUMNS, chunk.attempts)
                _insert(con, "attempt_answers", ANSWER_COLUMNS, chunk.answers)
        con.execute("ANALYZE")
    finally:
        con.close()


# ---------------------------------------------------------------- PostgreSQL


def _naive(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # The columns are timestamps without time zone holding UTC, as UTCDateTime writes them.
    return tuple(
        v.astimezone(UTC).replace(tzinfo=None) if isinstance(v, datetime) else v for v in row
    )


async def fill_postgres(url: str, n_people: int, n_attempts: int, rnd: Round, seed: int) -> None:
    """Write the round into the PostgreSQL database at `url` (already migrated) with COPY."""
    parsed = make_url(url).set(drivername="postgresql")
    con = await asyncpg.connect(parsed.render_as_string(hide_password=False))
    try:
        # The rows agree with each other by construction: as a superuser, skip the foreign
        # keys' check of each of tens of millions of rows.
        if await con.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
            await con.execute("SET session_replication_role = replica")
        for persons, accounts in people(n_people, rnd, seed):
            await con.copy_records_to_table(
                "participants", records=[_naive(r) for r in persons], columns=PARTICIPANT_COLUMNS
            )
            await con.copy_records_to_table(
                "accounts", records=[_naive(r) for r in accounts], columns=ACCOUNT_COLUMNS
            )
        for chunk in attempts(n_people, n_attempts, rnd, seed):
            await con.copy_records_to_table(
                "attempts", records=[_naive(r) for r in chunk.attempts], columns=ATTEMPT_COLUMNS
            )
            await con.copy_records_to_table(
                "attempt_answers",
                records=[_naive(r) for r in chunk.answers],
                columns=ANSWER_COLUMNS,
            )
        for table in ("participants", "accounts", "attempts"):
            await con.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        await con.execute("VACUUM ANALYZE")
    finally:
        await con.close()
