"""An operator's `quizbot backup` and `quizbot restore`, as typed in a terminal (SQLite)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.clock import ManualClock
from bot.config import Settings
from storage.session import SessionStore
from tests.ops.support import bot_on, every_row, fill_every_table
from tests.support.servers import REDIS_URL, redis_prefix

ROOT = Path(__file__).resolve().parents[2]


def quizbot(*args: str | Path, database: str, **env: str) -> Result:
    """Run a quizbot command with DATABASE_URL set to `database` (an async SQLAlchemy URL)."""
    environment = {
        "DATABASE_URL": database,
        "CONTEST_FILE": str(ROOT / "contest.yaml"),
        "REDIS_URL": "",
        "COLUMNS": "200",
        **env,
    }
    result = CliRunner().invoke(app, [str(a) for a in args], env=environment)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


async def typed(*args: str | Path, database: str, **env: str) -> Result:
    """`quizbot` from an async test: the command runs its own event loop, so in a thread."""
    return await asyncio.to_thread(quizbot, *args, database=database, **env)


def said(result: Result) -> str:
    return " ".join(result.output.split())


async def test_an_operator_backs_up_and_restores_with_the_command_line(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    async with bot_on("sqlite", settings, clock) as bot:
        await fill_every_table(bot, clock)
        source = bot.settings.database_url
        before = await every_row(source)
    path = tmp_path / "quizbot-2023-04-03.gz"
    target = f"sqlite+aiosqlite:///{tmp_path / 'restored.db'}"

    made = await typed("backup", path, database=source)
    assert made.exit_code == 0, made.output
    rows = sum(len(r) for r in before.values())
    assert f"Đã sao lưu {rows} dòng của {len(before)} bảng" in said(made)
    assert "participants 5" in said(made)

    restored = await typed("restore", path, database=target)
    assert restored.exit_code == 0, restored.output
    assert "Đã khôi phục" in said(restored)
    assert await every_row(target) == before

    again = await typed("restore", path, database=target)
    assert again.exit_code == 1
    assert "Cơ sở dữ liệu đã có dữ liệu" in said(again)
    assert "participants 5" in said(again)
    assert "Thêm --force" in said(again)

    forced = await typed("restore", path, "--force", database=target)
    assert forced.exit_code == 0, forced.output
    assert await every_row(target) == before


def test_a_backup_of_a_database_that_is_not_there_says_so_and_creates_nothing(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "typo.db"
    result = quizbot("backup", tmp_path / "b.gz", database=f"sqlite:///{missing}")

    assert result.exit_code == 1
    assert f"Không có cơ sở dữ liệu ở {missing}" in said(result)
    assert not missing.exists()
    assert not (tmp_path / "b.gz").exists()


def test_a_file_that_is_not_a_backup_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "results.xlsx"
    other.write_bytes(b"PK\x03\x04 not a backup")
    result = quizbot("restore", other, database=f"sqlite:///{tmp_path / 'x.db'}")

    assert result.exit_code == 1
    assert "not a quizbot backup" in said(result)


@pytest.mark.redis
async def test_a_restore_waits_until_the_bot_is_stopped(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    async with bot_on("sqlite", settings, clock) as bot:
        await fill_every_table(bot, clock)
        source = bot.settings.database_url
    path = tmp_path / "b.gz"
    assert (await typed("backup", path, database=source)).exit_code == 0
    target = tmp_path / "restored.db"

    async with redis_prefix() as (redis, prefix):
        leader = SessionStore(redis, prefix).keys.leader
        await redis.set(leader, "a running bot", px=15_000)
        redis_env = {"REDIS_URL": REDIS_URL, "REDIS_PREFIX": prefix}
        refused = await typed("restore", path, database=f"sqlite:///{target}", **redis_env)
        assert refused.exit_code == 1
        assert "a bot process is running" in said(refused)
        assert "stop every bot process first" in said(refused)

        await redis.delete(leader)
        done = await typed("restore", path, database=f"sqlite:///{target}", **redis_env)
        assert done.exit_code == 0, done.output
        assert f"Redis ({prefix}): bỏ 0 liên kết tài khoản" in said(done)
