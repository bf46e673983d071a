"""Running on the sample bank, whose answers are in the repository, is said loudly.

On an empty database the sample bank loads by itself. The organisers read a warning in
/admin, in `quizbot rounds`, in the log of `quizbot run` and in a message when the calendar
opens a round on it (on time all the same); opening a round on it by hand takes a second,
explicit confirmation (chat) or --sample-bank (command line). With the contest's own bank
loaded, none of it is said or asked.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.app import App
from questions import Question
from tests.fake_telegram import FakeTelegram
from tests.support.client import Person
from tests.telegram.process import TOKEN, BotConfig, running_bot
from tests.telegram.scripted import ADMIN, said
from tests.test_cli import Cli

WARNING = "có 100/100 câu lấy từ ngân hàng mẫu đi kèm mã nguồn: ai cũng xem được đáp án"
OWN_BANK = [
    Question(f"Câu hỏi riêng của Ban Tổ chức số {n}?", ("Có", "Không", "Chưa rõ"), n % 3)
    for n in range(12)
]


@pytest.fixture
def organiser(app: App) -> Person:
    app.svc.admins = frozenset({"telegram:9000"})
    return Person.on(app, "telegram", "9000", "BTC")


async def load_own_bank(app: App) -> None:
    await app.svc.questions.replace_active("rieng", OWN_BANK, app.svc.clock.now())


def round_status(folder: Path, code: str) -> str:
    """A round's status in the command line's database."""
    with closing(sqlite3.connect(folder / "x.db")) as db:
        return str(db.execute("SELECT status FROM rounds WHERE code = ?", (code,)).fetchone()[0])


async def status(app: App, code: str) -> str:
    rnd = await app.svc.rounds.get(code)
    assert rnd is not None
    return rnd.status


async def test_the_panel_warns_that_the_active_bank_is_the_sample(
    app: App, organiser: Person
) -> None:
    await organiser.send("/admin")
    assert WARNING in organiser.said

    await load_own_bank(app)
    await organiser.send("/admin")
    assert "Bảng điều khiển Ban Tổ chức" in organiser.said
    assert "ngân hàng mẫu" not in organiser.said


async def test_opening_a_round_on_the_sample_bank_in_chat_takes_a_second_confirmation(
    app: App, organiser: Person
) -> None:
    await organiser.send("/admin")
    await organiser.tap(said("admin.button_open"))
    await organiser.tap("Quý 2")
    assert "Mở Quý 2 ngay bây giờ?" in organiser.said
    assert WARNING in organiser.said

    await organiser.tap(said("admin.button_yes"))
    assert "Bạn chắc chắn mở Quý 2 với ngân hàng mẫu?" in organiser.said
    assert await status(app, "2023-Q2") == "scheduled"
    # The usual confirmation, even sent again as it is, opens nothing.
    await organiser.tap_token("adm:open:2023-Q2:yes")
    assert await status(app, "2023-Q2") == "scheduled"

    await organiser.tap(said("sample_bank.button_open"))
    assert "Đã mở Quý 2." in organiser.said
    assert await status(app, "2023-Q2") == "open"


async def test_with_the_contests_own_bank_one_confirmation_opens_a_round(
    app: App, organiser: Person
) -> None:
    await load_own_bank(app)
    await organiser.send("/admin")
    await organiser.tap(said("admin.button_open"))
    await organiser.tap("Quý 2")
    assert "ngân hàng mẫu" not in organiser.said

    await organiser.tap(said("admin.button_yes"))

    assert "Đã mở Quý 2." in organiser.said
    assert await status(app, "2023-Q2") == "open"


def test_the_command_line_warns_and_opens_on_the_sample_bank_only_when_asked(
    tmp_path: Path,
) -> None:
    cli = Cli(tmp_path)
    assert WARNING in cli.ok("rounds")

    refused = cli.fails("rounds", "open", "2023-Q2")
    assert WARNING in refused
    assert "--sample-bank" in refused
    assert round_status(tmp_path, "2023-Q2") == "scheduled"

    assert "Đã mở đợt 2023-Q2" in cli.ok("rounds", "open", "2023-Q2", "--sample-bank")
    assert round_status(tmp_path, "2023-Q2") == "open"


def test_the_command_line_says_nothing_with_the_contests_own_bank(tmp_path: Path) -> None:
    cli = Cli(tmp_path)
    bank = tmp_path / "rieng.csv"
    rows = [f"{q.text},{q.options[0]},{q.options[1]},{q.options[2]},A" for q in OWN_BANK]
    bank.write_text("Câu hỏi,Đáp án A,Đáp án B,Đáp án C,Đáp án đúng\n" + "\n".join(rows))
    cli.ok("questions", "import", bank)

    assert "ngân hàng mẫu" not in cli.ok("rounds")
    assert "Đã mở đợt 2023-Q2" in cli.ok("rounds", "open", "2023-Q2")


async def test_quizbot_run_warns_in_its_log_and_the_calendar_opens_on_time_telling_organisers(
    tmp_path: Path,
) -> None:
    async with FakeTelegram(TOKEN) as tg:
        tg.user(ADMIN, "BTC")  # an organiser who has written to the bot, so it can write back
        async with running_bot(tg, tmp_path, BotConfig(admins=(ADMIN,))) as bot:
            told = await tg.wait_for_text(ADMIN, "đã mở theo lịch")
            assert bot.value("SELECT status FROM rounds WHERE code = 'LIVE'") == "open"
            log = bot.log
    assert said("sample_bank.warning", bank="chuyen-doi-so-2023", public=100, total=100) in (
        told.shown
    )
    assert (
        "WARNING bot.runtime: the active question bank chuyen-doi-so-2023 has 100 of 100 "
        "questions from the sample bank"
    ) in log
