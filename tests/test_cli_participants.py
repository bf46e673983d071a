"""quizbot participants: organisers find, look at, correct, hold and release entries; every
change is in the audit log with the old and new values, the reason and the actor."""

from __future__ import annotations

import asyncio
import random
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from bot.app import open_app
from bot.clock import ManualClock
from bot.config import Settings
from handlers.rounds import reconcile
from storage.db import Database
from storage.models import Participant
from storage.repos import Audit
from tests.conftest import CONTEST_FILE, vn
from tests.support.client import Person
from tests.test_cli import Cli


async def _people(url: str) -> dict[str, int]:
    """Trần Thị Bích (verified, one attempt), someone who typed her phone and name (held),
    and Lê Thị Hoa (typed, no attempt), registered through the engine."""
    settings = Settings(database_url=url, redis_url=None, contest_file=CONTEST_FILE, _env_file=None)
    async with open_app(
        settings, clock=ManualClock(vn(2023, 2, 20, 8)), rng=random.Random(7)
    ) as app:
        await reconcile(app.svc)
        bich = Person.on(app, "telegram", "101", "Bích")
        await bich.register(name="Trần Thị Bích", phone="0912345678", unit="Sở Tư pháp")
        await bich.take_attempt(correct=9)
        typist = Person.on(app, "zalo", "z202", "Bích")
        await typist.register(name="tran thi bich", phone="0912345678", typed_phone=True)
        hoa = Person.on(app, "zalo", "z303", "Hoa")
        await hoa.register(name="Lê Thị Hoa", phone="0987654321", typed_phone=True)
        return {
            "bich": await bich.participant_id(),
            "typist": await typist.participant_id(),
            "hoa": await hoa.participant_id(),
        }


def row(*cells: object) -> str:
    """Cells side by side in a printed table (the output's spaces are single)."""
    return "│ " + " │ ".join(map(str, cells)) + " │"


def _database(cli: Cli) -> str:
    return cli.url.replace("sqlite://", "sqlite+aiosqlite://")


async def _read(url: str) -> tuple[list[Any], dict[int, Participant]]:
    db = await Database.open(url)
    try:
        entries = await Audit(db).recent(100)
        async with db.session() as s:
            people = {p.id: p for p in await s.exec(select(Participant)) if p.id is not None}
        return entries, people
    finally:
        await db.close()


@pytest.fixture
def people(cli: Cli) -> dict[str, int]:
    return asyncio.run(_people(_database(cli)))


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    return Cli(tmp_path)


def test_find_by_name_without_diacritics_or_by_last_digits_shows_masked_phones(
    cli: Cli, people: dict[str, int]
) -> None:
    said = cli.ok("participants", "find", "tran thi bich")
    assert row(people["bich"], "Trần Thị Bích", "*******678") in said
    assert row(people["typist"], "tran thi bich", "*******678") in said
    assert "Lê Thị Hoa" not in said
    assert "0912345678" not in said

    said = cli.ok("participants", "find", "321")
    assert row(people["hoa"], "Lê Thị Hoa", "*******321") in said
    assert "Bích" not in said
    assert "Không tìm thấy" in cli.ok("participants", "find", "Nguyễn Văn Không")


def test_show_says_verified_or_typed_held_and_who_shares_the_phone(
    cli: Cli, people: dict[str, int]
) -> None:
    said = cli.ok("participants", "show", str(people["bich"]))
    assert "Điện thoại: *******678 (đã xác thực)" in said
    assert "Thông tin đã khoá (đã có lượt thi)" in said
    assert "Tài khoản: telegram 101" in said
    assert "Lượt thi: 2023-Q1: 1" in said
    assert f"dùng chung số điện thoại: #{people['typist']}" in said

    said = cli.ok("participants", "show", str(people["typist"]), "--full-phones")
    assert "Điện thoại: 0912345678 (gõ tay)" in said
    assert "Đang tạm giữ" in said
    assert "gõ tay trùng số đã xác thực của người khác" in said
    assert "Lượt thi: chưa có" in said

    assert "Không có người dự thi số 999" in cli.fails("participants", "show", "999")


def test_an_edit_after_an_attempt_is_audited_with_old_and_new_values(
    cli: Cli, people: dict[str, int]
) -> None:
    pid = people["bich"]
    said = cli.ok(
        "participants", "edit", str(pid),
        "--name", "Trần Thị Bích Ngọc",
        "--birth-year", "1976",
        "--locality", "kim son",
        "--reason", "Đơn đề nghị số 12, đã đối chiếu CCCD",
        "--actor", "cli:thuky",
    )  # fmt: skip
    assert "Họ tên: Trần Thị Bích → Trần Thị Bích Ngọc" in said
    assert "Năm sinh: 1990 → 1976" in said
    assert "Địa bàn: Hoa Lư → Kim Sơn" in said

    entries, stored = asyncio.run(_read(_database(cli)))
    edit = next(e for e in entries if e.action == "participant.edit")
    assert edit.actor == "cli:thuky"
    assert edit.detail == {
        "participant": pid,
        "reason": "Đơn đề nghị số 12, đã đối chiếu CCCD",
        "changes": {
            "full_name": ["Trần Thị Bích", "Trần Thị Bích Ngọc"],
            "birth_year": [1990, 1976],
            "locality": ["Hoa Lư", "Kim Sơn"],
        },
    }
    assert stored[pid].full_name == "Trần Thị Bích Ngọc"
    assert stored[pid].identity_edited_at is not None


def test_a_phone_edit_is_audited_in_full_and_shown_masked(cli: Cli, people: dict[str, int]) -> None:
    pid = people["hoa"]
    said = cli.ok(
        "participants", "edit", str(pid), "--phone", "0987 654 329", "--reason", "Gõ nhầm"
    )
    assert "Điện thoại: *******321 → *******329" in said
    entries, stored = asyncio.run(_read(_database(cli)))
    edit = next(e for e in entries if e.action == "participant.edit")
    assert edit.detail["changes"] == {"phone": ["+84987654321", "+84987654329"]}
    assert stored[pid].identity_edited_at is None  # no attempt yet
    history = cli.ok("participants", "show", str(pid), "--full-phones")
    assert row("0987654321", "gõ tay") in history
    assert row("0987654329", "gõ tay") in history


def test_bad_edits_change_nothing(cli: Cli, people: dict[str, int]) -> None:
    pid = str(people["hoa"])
    for args, said in [
        (["--phone", "12345", "--reason", "Sửa số"], "không phải số di động Việt Nam"),
        (["--name", "Hoa", "--reason", "Sửa tên"], "Họ tên cần ít nhất hai chữ"),
        (["--birth-year", "1800", "--reason", "Sửa năm"], "Năm sinh cần từ 1920"),
        (["--locality", "Hà Nội", "--reason", "Sửa địa bàn"], "Địa bàn không có trong danh sách"),
        (["--name", "Lê Thị Hoà", "--reason", ""], "Cần ghi lý do"),
        (["--reason", "Không sửa gì"], "Chưa có gì để sửa"),
        (
            ["--phone", "0912345678", "--reason", "Số của chị"],
            "số đã xác thực của người dự thi khác",
        ),
    ]:
        assert said in cli.fails("participants", "edit", pid, *args)
    assert "Không có người dự thi số 999" in cli.fails(
        "participants", "edit", "999", "--unit", "Sở Y tế", "--reason", "Thử"
    )
    entries, stored = asyncio.run(_read(_database(cli)))
    assert not any(e.action == "participant.edit" for e in entries)
    assert (stored[people["hoa"]].full_name, stored[people["hoa"]].phone) == (
        "Lê Thị Hoa",
        "+84987654321",
    )


def test_hold_and_release_are_listed_and_audited(cli: Cli, people: dict[str, int]) -> None:
    pid = people["hoa"]
    assert f"Đã tạm giữ #{pid}" in cli.ok(
        "participants", "hold", str(pid), "--reason", "Chờ xác minh", "--actor", "cli:btc"
    )
    said = cli.ok("participants", "held")
    assert row(people["typist"], "tran thi bich", "*******678") in said
    assert row(pid, "Lê Thị Hoa", "*******321") in said
    assert "Ban Tổ chức tạm giữ" in said

    assert f"Đã bỏ tạm giữ #{pid}" in cli.ok(
        "participants", "release", str(pid), "--reason", "Đã gọi xác minh", "--actor", "cli:btc"
    )
    assert f"Không tạm giữ #{pid}" in cli.ok(
        "participants", "release", str(pid), "--reason", "Lần nữa"
    )
    assert "Lê Thị Hoa" not in cli.ok("participants", "held")

    entries, stored = asyncio.run(_read(_database(cli)))
    mine = [(e.action, e.actor, e.detail) for e in entries if e.detail.get("participant") == pid]
    released = {"participant": pid, "was": "organiser", "note": "Đã gọi xác minh"}
    held = {"participant": pid, "reason": "organiser", "note": "Chờ xác minh"}
    assert mine[:2] == [
        ("participant.release", "cli:btc", released),
        ("participant.hold", "cli:btc", held),
    ]
    assert stored[pid].held_at is None
