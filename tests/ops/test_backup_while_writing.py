"""A backup taken while participants keep submitting is one moment of the contest: every
attempt in it has all its answers and no answer is without its attempt, however the writes
fall between the tables being read."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from storage.backup import backup
from storage.db import Database, create_engine
from storage.repos import AnswerRow, Attempts, FinishedAttempt
from tests.ops.support import (
    DATABASES,
    bot_on,
    empty_database,
    every_row,
    fill_every_table,
    restore_into,
)

_codes = itertools.count(1)


async def submit(db: Database, participant_id: int, question_ids: list[int]) -> str:
    """One finished attempt with its ten answers, written as the bot writes one."""
    t0 = datetime(2023, 5, 2, 3, 0, tzinfo=UTC)
    answers = tuple(
        AnswerRow(p, qid, 0, t0 + timedelta(seconds=p)) for p, qid in enumerate(question_ids)
    )
    code = f"W{next(_codes)}"
    attempt = FinishedAttempt(
        code, participant_id, "2023-Q2", "telegram", t0, t0 + timedelta(minutes=3),
        "2023-05-02", 180_000, 3, len(answers), 50, False, answers,
    )  # fmt: skip
    assert await Attempts(db).save(attempt)
    return code


@pytest.mark.parametrize("database", DATABASES)
async def test_a_backup_taken_while_attempts_are_written_is_whole(
    database: str, settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    path = tmp_path / "busy.gz"
    async with bot_on(database, settings, clock) as app:
        await fill_every_table(app, clock)
        url = app.settings.database_url
        before = await every_row(url)
        pid = before["participants"][0]["id"]
        questions = [row["id"] for row in before["questions"][:10]]
        writer_db = Database(create_engine(url))
        written_during = 0
        between: list[str] = []
        stop = asyncio.Event()

        async def participants_keep_submitting() -> None:
            nonlocal written_during
            while not stop.is_set():
                await submit(writer_db, pid, questions)
                written_during += 1

        async def between_tables(table: str) -> None:
            # Before each table is read, another attempt lands in attempts and attempt_answers.
            nonlocal written_during
            between.append(await submit(writer_db, pid, questions))
            written_during += 1

        engine = create_engine(url)
        writer = asyncio.create_task(participants_keep_submitting())
        try:
            info = await backup(engine, path, now=datetime.now(UTC), on_table=between_tables)
        finally:
            stop.set()
            await writer
            await engine.dispose()
            await writer_db.close()
        now_in_source = await every_row(url)

    async with empty_database(database, settings) as fresh:
        await restore_into(fresh, path)
        restored = await every_row(fresh)

    assert len(between) == len(info.tables)
    assert len(now_in_source["attempts"]) == len(before["attempts"]) + written_during
    # The backup is one moment, taken before the first table was read: none of the attempts
    # written between the tables is in it...
    codes = {row["code"] for row in restored["attempts"]}
    assert codes.isdisjoint(between)
    assert len(restored["attempts"]) == info.tables["attempts"]
    # ...and every attempt in it has all its answers, every answer its attempt.
    answers = Counter(row["attempt_id"] for row in restored["attempt_answers"])
    assert {row["id"]: row["total"] for row in restored["attempts"]} == answers
