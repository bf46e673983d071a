"""quizbot data purge and quizbot audit: anonymising everyone when the retention time has run
out (a dry run first), and who took files with whole phone numbers, on the command line."""

from __future__ import annotations

import asyncio
import getpass
import random
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.app import open_app
from bot.clock import ManualClock
from bot.config import Settings
from handlers.rounds import close_round, reconcile
from storage.db import Database
from storage.repos import Audit
from tests.conftest import CONTEST_FILE, vn
from tests.support.client import Person
from tests.test_cli import Cli


def _database(cli: Cli) -> str:
    return cli.url.replace("sqlite://", "sqlite+aiosqlite://")


async def _closed(url: str) -> dict[str, int]:
    """2023-Q1 closed with Bích (9 right, the first prize) and Hoa (5, the second); Lan
    registered only."""
    settings = Settings(database_url=url, redis_url=None, contest_file=CONTEST_FILE, _env_file=None)
    clock = ManualClock(vn(2023, 2, 20, 8))
    async with open_app(settings, clock=clock, rng=random.Random(7)) as app:
        await reconcile(app.svc)
        ids = {}
        for uid, name, phone, right in (
            ("101", "Trần Thị Bích", "0912345678", 9),
            ("102", "Lê Thị Hoa", "0987654321", 5),
            ("103", "Đỗ Thị Lan", "0977123456", None),
        ):
            p = Person.on(app, "telegram", uid)
            await p.register(name=name, phone=phone)
            if right is not None:
                await p.take_attempt(correct=right)
            ids[name] = await p.participant_id()
        clock.set(vn(2023, 3, 31, 0, 0, 1))
        await close_round(app.svc, "2023-Q1", actor="test")
        return ids


async def _names(url: str) -> list[str]:
    db = await Database.open(url)
    try:
        async with db.engine.connect() as conn:
            raw = await conn.execute(text("SELECT full_name FROM participants ORDER BY id"))
            return [r[0] for r in raw]
    finally:
        await db.close()


async def _audit(url: str) -> list[tuple[str, str, dict[str, object]]]:
    db = await Database.open(url)
    try:
        return [(e.actor, e.action, e.detail) for e in await Audit(db).recent(100)]
    finally:
        await db.close()


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


@pytest.fixture
def people(cli: Cli) -> dict[str, int]:
    return asyncio.run(_closed(_database(cli)))


def test_a_dry_run_says_what_would_go_then_the_purge_does_it_once(
    cli: Cli, people: dict[str, int]
) -> None:
    said = cli.ok("data", "purge", "--dry-run")
    assert "Hạn ẩn danh: 23:59 ngày 28/05/2024." in said
    assert (
        "Sẽ ẩn danh 3 người dự thi: 1 xoá hẳn (không có kết quả đợt đã kết thúc), "
        "2 giữ dòng ẩn danh trong bảng xếp hạng." in said
    )
    assert "Xoá 3 tài khoản, 3 số điện thoại đã dùng, 0 lượt thi của đợt chưa kết thúc" in said
    assert "giữ 2 hồ sơ giải thưởng" in said
    assert "Chưa thay đổi gì (--dry-run)." in said
    url = _database(cli)
    assert asyncio.run(_names(url)) == ["Trần Thị Bích", "Lê Thị Hoa", "Đỗ Thị Lan"]

    said = cli.ok("data", "purge", "--actor", "cli:thuky")
    assert "Đã ẩn danh 3 người dự thi" in said
    assert asyncio.run(_names(url)) == ["", ""]
    purges = [(a, d) for a, action, d in asyncio.run(_audit(url)) if action == "data.purge"]
    assert [(a, d["entries"], d["prizes_kept"]) for a, d in purges] == [("cli:thuky", 3, 2)]

    said = cli.ok("participants", "show", str(people["Trần Thị Bích"]))
    assert "Đã ẩn danh lúc" in said
    assert "(hết thời hạn lưu trữ)" in said
    said = cli.ok("data", "purge", "--dry-run")
    assert "Đã ẩn danh một lần lúc" in said
    assert "Sẽ ẩn danh 0 người dự thi" in said


def test_whole_phones_taken_on_the_command_line_are_listed_by_audit_downloads(
    cli: Cli, people: dict[str, int], tmp_path: Path
) -> None:
    cli.ok("results", "2023-Q1", "--xlsx", tmp_path / "noi-bo.xlsx", "--full-phones")
    cli.ok("results", "2023-Q1", "--xlsx", tmp_path / "cong-bo.xlsx")
    cli.ok("results", "2023-Q1")  # printed masked, no file: nothing to record
    bich = people["Trần Thị Bích"]
    cli.ok("participants", "show", str(bich), "--full-phones")
    cli.ok("participants", "show", str(bich))

    me = f"cli:{getpass.getuser()}"
    recorded = [
        (a, action, d.get("full_phones"), d.get("via"))
        for a, action, d in asyncio.run(_audit(_database(cli)))
        if action in ("results.download", "participant.show")
    ]
    assert recorded == [
        (me, "participant.show", True, "cli"),
        (me, "results.download", False, "cli"),
        (me, "results.download", True, "cli"),
    ]
    said = cli.ok("audit", "--downloads")
    assert "Tệp có số điện thoại đầy đủ đã tải" in said
    assert f"│ {me} │ hồ sơ #{bich} │ dòng lệnh │" in said
    assert f"│ {me} │ kết quả 2023-Q1 │ dòng lệnh │" in said
    assert said.count("dòng lệnh") == 2
    said = cli.ok("audit", "--action", "round.")
    assert "round.close" in said
    assert "results.download" not in said
