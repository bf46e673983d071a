"""Opening or closing a round by hand (/admin, `quizbot rounds open|close`) does exactly what
the calendar does, through the same deliveries: opening announces, closing asks the organisers
to review and the jury's approval (in /admin, or `quizbot results CODE --approve`) announces;
the calendar then announces nothing again."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date
from pathlib import Path

import yaml
from typer.testing import CliRunner

from bot.app import App, open_app
from bot.broadcast import Broadcaster
from bot.cli import app as cli_app
from bot.clock import ManualClock
from bot.config import Settings
from bot.scheduler import ContestJobs
from questions import Bank, write_bank_bytes
from tests.conftest import CONTEST_FILE, vn
from tests.scheduler.conftest import CHAT, ORGANISER, people
from tests.scheduler.recording import RecordingChannel
from tests.support.banks import own_questions
from tests.support.client import Person


async def _by_hand(organiser: Person, action: str, round_name: str) -> None:
    await organiser.send("/admin")
    await organiser.tap(action)
    await organiser.tap(round_name)
    await organiser.tap("✅ Đồng ý")


async def test_opening_by_hand_in_admin_announces_as_the_calendar_would(
    app: App,
    clock: ManualClock,
    jobs: ContestJobs,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
    chat: str,
) -> None:
    await people(app, 2)
    clock.set(vn(2023, 3, 31, 9, 0))
    await jobs.close("2023-Q1")
    await broadcaster.run_once()
    before = channel.per_user()

    await _by_hand(Person.on(app, "telegram", ORGANISER), "🔓 Mở đợt thi", "Quý 2")
    await broadcaster.run_once()

    for who in (chat, "1", "2"):
        opening = channel.to(who)[-1]
        assert "Quý 2 của Cuộc thi" in opening
        assert "23:59 ngày 30/06/2023" in opening
    # On 1/4 the calendar's own opening finds the round open and announced.
    clock.set(vn(2023, 4, 1, 0, 0))
    await jobs.open("2023-Q2")
    clock.set(vn(2023, 4, 1, 7, 30))
    await broadcaster.run_once()
    assert channel.per_user() == before + Counter({chat: 1, "1": 1, "2": 1})


async def test_closing_by_hand_in_admin_announces_as_the_calendars_close(
    app: App,
    clock: ManualClock,
    jobs: ContestJobs,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
    chat: str,
) -> None:
    winner, other = await people(app, 2)
    await winner.take_attempt(correct=9)
    await other.take_attempt(correct=4)
    clock.set(vn(2023, 3, 20, 14, 0))

    organiser = Person.on(app, "telegram", ORGANISER)
    await _by_hand(organiser, "🔒 Đóng đợt thi", "Quý 1")
    assert "Số giải tạm tính: 2" in organiser.said
    await broadcaster.run_once()
    # As the calendar's close: provisional, the organisers asked to review, nobody told.
    [asked] = channel.to(ORGANISER)
    assert "Quý 1 đã đóng: kết quả đang là tạm tính." in asked
    assert channel.to("1") == channel.to("2") == channel.to(chat) == []

    await organiser.send("/admin")
    await organiser.tap("⚖️ Xét duyệt kết quả")
    await organiser.tap("Quý 1")
    await organiser.tap("✅ Phê duyệt kết quả")
    await organiser.tap("✅ Phê duyệt và công bố")
    assert "Đã phê duyệt kết quả Quý 1." in organiser.said
    await broadcaster.run_once()

    assert channel.documents == [
        (ORGANISER, "ket-qua-2023-Q1-noi-bo.xlsx"),
        (ORGANISER, "giay-chung-nhan-2023-Q1.zip"),
    ]
    assert any("Chúc mừng" in t and "Giải Nhất" in t for t in channel.to("1"))
    for who in (chat, "1", "2"):
        assert "Kết quả Quý 1" in channel.to(who)[-1]
        assert "Số người tham gia: 2" in channel.to(who)[-1]
    sent = channel.per_user()
    # The calendar's close on 31/3 finds it closed and announced.
    clock.set(vn(2023, 3, 31, 0, 0))
    await jobs.close("2023-Q1")
    await jobs.reconcile()
    clock.set(vn(2023, 3, 31, 7, 30))
    await broadcaster.run_once()
    assert channel.per_user() == sent
    assert len(channel.documents) == 2


def test_opening_and_closing_on_the_command_line_announce_through_the_running_bot(
    tmp_path: Path,
) -> None:
    contest = yaml.safe_load(CONTEST_FILE.read_text(encoding="utf-8"))
    contest["rounds"] = [
        {"code": "2099-Q1", "name": "Quý 1", "opens": date(2099, 1, 1), "closes": date(2099, 3, 31)}
    ]
    own = Bank(
        name="ban-to-chuc", title="Ngân hàng của Ban Tổ chức", questions=own_questions("BTC")
    )
    (tmp_path / "bank.yaml").write_bytes(write_bank_bytes(own, "bank.yaml"))
    contest["question_bank"] = str(tmp_path / "bank.yaml")
    contest["localities"] = str(CONTEST_FILE.parent / contest["localities"])
    (tmp_path / "contest.yaml").write_text(yaml.safe_dump(contest, allow_unicode=True), "utf-8")
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path}/quizbot.db",
        "CONTEST_FILE": str(tmp_path / "contest.yaml"),
        "REDIS_URL": "",
        "RESULTS_DIR": str(tmp_path / "results"),
        "TELEGRAM_ADMIN_IDS": ORGANISER,
        "TELEGRAM_ANNOUNCE_CHAT": CHAT,
    }
    settings = Settings(
        database_url=env["DATABASE_URL"],
        contest_file=tmp_path / "contest.yaml",
        telegram_admin_ids=[int(ORGANISER)],
        telegram_announce_chat=CHAT,
        results_dir=tmp_path / "results",
        _env_file=None,
    )
    channel = RecordingChannel()

    async def in_the_bot(step: str) -> None:
        async with open_app(settings, clock=ManualClock(vn(2099, 1, 2, 9, 0))) as bot:
            if step == "register":
                await people(bot, 1)
                return
            if step == "attempt":
                await Person.on(bot, "telegram", "1").take_attempt(correct=8)
            await Broadcaster(bot.svc, {"telegram": channel}, rates={"telegram": 25}).run_once()

    def quizbot(*args: str) -> str:
        result = CliRunner().invoke(cli_app, list(args), env=env)
        assert result.exit_code == 0, result.output
        return " ".join(result.output.split())

    asyncio.run(in_the_bot("register"))
    assert "bot đang chạy (quizbot run) gửi đi" in quizbot("rounds", "open", "2099-Q1")
    asyncio.run(in_the_bot("attempt"))
    [opening] = channel.to("1")
    assert "Quý 1 của Cuộc thi" in opening
    assert "Đợt thi kết thúc lúc 23:59 ngày 31/03/2099" in opening
    assert channel.to(CHAT) == [opening]

    closed = quizbot("rounds", "close", "2099-Q1")
    assert "Đã đóng đợt 2099-Q1" in closed
    assert "Kết quả là tạm tính, chưa công bố" in closed
    asyncio.run(in_the_bot("send"))
    assert channel.documents == []
    assert channel.to(CHAT) == [opening]
    assert "Đã phê duyệt kết quả đợt 2099-Q1." in quizbot("results", "2099-Q1", "--approve")
    asyncio.run(in_the_bot("send"))
    assert channel.documents == [
        (ORGANISER, "ket-qua-2099-Q1-noi-bo.xlsx"),
        (ORGANISER, "giay-chung-nhan-2099-Q1.zip"),
    ]
    assert sum("Chúc mừng" in t for t in channel.to("1")) == 1
    assert "Kết quả Quý 1" in channel.to(CHAT)[-1]
