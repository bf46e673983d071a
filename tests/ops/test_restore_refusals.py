"""A restore changes nothing unless it can put the whole backup in: a database that already
holds a contest needs --force, a backup cut short or made by a newer version is refused, and
a backup from an older version is brought forward by the migrations."""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.clock import ManualClock
from bot.config import Settings
from storage.backup import BackupError, backup, read_info
from storage.db import create_engine, upgrade
from storage.restore import NotEmptyError, migrations
from tests.ops.support import (
    DATABASES,
    back_up,
    bot_on,
    every_row,
    fill_every_table,
    restore_into,
)
from tests.support.client import Person

T0 = datetime(2023, 2, 20, 1, 0)  # naive UTC, as stored


def sqlite_file_exists(url: str) -> bool:
    return Path(url.removeprefix("sqlite+aiosqlite:///")).exists()


def rewritten(path: Path, out: Path, change: str) -> Path:
    """A copy of the backup at `path` with its header changed or its last rows cut off."""
    lines = gzip.decompress(path.read_bytes()).decode().splitlines(keepends=True)
    if change == "newer":
        head = json.loads(lines[0])
        head["revision"] = "9999"
        lines[0] = json.dumps(head) + "\n"
    elif change == "cut":
        lines = lines[: len(lines) // 2]
    out.write_bytes(gzip.compress("".join(lines).encode()))
    return out


@pytest.mark.parametrize("database", DATABASES)
async def test_a_database_holding_a_contest_is_replaced_only_with_force(
    database: str, settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    path = tmp_path / "q1.gz"
    async with bot_on(database, settings, clock) as app:
        await fill_every_table(app, clock)
        url = app.settings.database_url
        await back_up(url, path)
        backed_up = await every_row(url)
        # After the backup the contest goes on: someone else registers.
        await Person.on(app, "telegram", "4040", "Vũ Văn Hải").register(
            name="Vũ Văn Hải", phone="0388777666"
        )
        now = await every_row(url)
        assert len(now["participants"]) == len(backed_up["participants"]) + 1

        with pytest.raises(NotEmptyError) as refused:
            await restore_into(url, path)
        assert refused.value.tables["participants"] == len(now["participants"])
        assert await every_row(url) == now

        await restore_into(url, path, force=True)
        assert await every_row(url) == backed_up


@pytest.mark.parametrize("database", DATABASES)
async def test_a_backup_cut_short_leaves_the_database_as_it_was(
    database: str, settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    path = tmp_path / "whole.gz"
    async with bot_on(database, settings, clock) as app:
        await fill_every_table(app, clock)
        url = app.settings.database_url
        await back_up(url, path)
        before = await every_row(url)
        cut = rewritten(path, tmp_path / "cut.gz", "cut")
        truncated = tmp_path / "truncated.gz"
        truncated.write_bytes(path.read_bytes()[: path.stat().st_size // 2])

        for damaged in (cut, truncated):
            with pytest.raises(BackupError, match=r"cut short|damaged"):
                await restore_into(url, damaged, force=True)
            assert await every_row(url) == before


async def test_a_backup_from_a_newer_version_is_refused(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    path = tmp_path / "now.gz"
    async with bot_on("sqlite", settings, clock) as app:
        await fill_every_table(app, clock)
        await back_up(app.settings.database_url, path)
    newer = rewritten(path, tmp_path / "newer.gz", "newer")
    fresh = settings.database_url.replace("quizbot.db", "fresh.db")

    head = migrations().get_current_head()
    with pytest.raises(BackupError, match=f"revision 9999.*newer.*up to {head}"):
        await restore_into(fresh, newer)
    assert not sqlite_file_exists(fresh)


async def test_a_backup_from_an_older_version_is_migrated_forward(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    """A database of version 0003 (before phones had a history) is backed up; restored by this
    version, it is at the newest schema and the entry's phone has started its history."""
    old = settings.database_url.replace("quizbot.db", "old.db")
    engine = create_engine(old)
    try:
        async with engine.begin() as conn:
            await upgrade(conn, "0003")
            await conn.execute(
                text(
                    "INSERT INTO participants (phone, full_name, birth_year, locality, unit,"
                    " source, consent_at, created_at, updated_at) VALUES ('+84912345678',"
                    " 'Trần Thị Bích', 1975, 'Kim Sơn', 'Sở Tư pháp', '', :t, :t, :t)"
                ),
                {"t": T0},
            )
        path = tmp_path / "old.gz"
        await backup(engine, path, now=datetime.now(UTC))
    finally:
        await engine.dispose()

    fresh = settings.database_url.replace("quizbot.db", "fresh.db")
    assert read_info(path).revision == "0003"
    done = await restore_into(fresh, path)

    assert done.migrated
    assert done.revision == migrations().get_current_head()
    rows = await every_row(fresh)
    assert [p["full_name"] for p in rows["participants"]] == ["Trần Thị Bích"]
    assert [(h["participant_id"], h["phone"]) for h in rows["participant_phones"]] == [
        (1, "+84912345678")
    ]
