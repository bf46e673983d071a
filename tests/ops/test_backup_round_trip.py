"""An operator backs up a contest that has run a round, restores it into a fresh database, and
finds every row of every table as it was: on SQLite and on PostgreSQL, and from one to the
other."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from storage.backup import read_info
from storage.restore import migrations
from tests.ops.support import (
    DATABASES,
    back_up,
    bot_at,
    bot_on,
    empty_database,
    every_row,
    fill_every_table,
    restore_into,
)
from tests.support.client import Person


@pytest.mark.parametrize("database", DATABASES)
async def test_every_table_comes_back_row_for_row(
    database: str, settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    path = tmp_path / "quizbot.backup.gz"
    async with bot_on(database, settings, clock) as app:
        await fill_every_table(app, clock)
        before = await every_row(app.settings.database_url)
        await back_up(app.settings.database_url, path)
    assert all(before.values()), [name for name, rows in before.items() if not rows]

    async with empty_database(database, settings) as fresh:
        await restore_into(fresh, path)
        after = await every_row(fresh)
        newcomer = await a_newcomer_registers(fresh, settings, clock)

    assert after == before
    # The bot goes on on the restored database: new rows take ids after the restored ones.
    assert newcomer > max(row["id"] for row in before["participants"])
    assert read_info(path).revision == migrations().get_current_head()
    # It holds every phone: only its owner may read it.
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


@pytest.mark.postgres
@pytest.mark.redis
async def test_a_sqlite_contest_moves_to_postgresql_by_backup_and_restore(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    path = tmp_path / "from-sqlite.gz"
    async with bot_on("sqlite", settings, clock) as app:
        await fill_every_table(app, clock)
        before = await every_row(app.settings.database_url)
        await back_up(app.settings.database_url, path)

    async with empty_database("postgres", settings) as fresh:
        await restore_into(fresh, path)
        after = await every_row(fresh)
        newcomer = await a_newcomer_registers(fresh, settings, clock)

    assert after == before
    assert newcomer > max(row["id"] for row in before["participants"])


async def a_newcomer_registers(url: str, settings: Settings, clock: ManualClock) -> int:
    """Someone new registers with the bot running on `url`; their entry's id."""
    async with bot_at(url, settings, clock) as app:
        person = Person.on(app, "telegram", "5550001", "Đỗ Thị Giang")
        await person.register(name="Đỗ Thị Giang", phone="0399888777")
        return await person.participant_id()
