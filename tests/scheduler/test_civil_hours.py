"""Rounds open at 00:00:00 and close at 23:59:59, but what they say to people goes out at a
civil hour (contest.yaml `announcements`), and the reminder names the closing time; the
organisers' workbook goes at once."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from bot.app import App
from bot.broadcast import Broadcaster
from bot.clock import ManualClock
from bot.scheduler import Scheduler
from handlers.contest import Announcements, ContestConfig, ContestFileError, load_contest
from tests.conftest import CONTEST_FILE, VN, vn
from tests.scheduler.conftest import ORGANISER, lead, people, run_at
from tests.scheduler.recording import RecordingChannel

# Closing announces the winners at once here (contest.yaml results.approval: auto).
pytestmark = pytest.mark.usefixtures("auto_approval")


async def test_an_opening_at_midnight_reaches_people_at_the_earliest_hour(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
    chat: str,
) -> None:
    await people(app, 2)
    await lead(scheduler)
    await run_at(scheduler, clock, "close:2023-Q1")
    await run_at(scheduler, clock, "open:2023-Q2")

    await broadcaster.run_once()
    q2 = await app.svc.rounds.get("2023-Q2")
    assert q2 is not None
    assert q2.status == "open"  # on the minute
    assert channel.sent == []
    clock.set(vn(2023, 4, 1, 7, 29, 59))
    await broadcaster.run_once()
    assert channel.sent == []

    clock.set(vn(2023, 4, 1, 7, 30))
    await broadcaster.run_once()
    assert channel.per_user() == {chat: 2, "1": 1, "2": 1}  # the chat: Q1's results too
    assert all("Quý 2 của Cuộc thi" in channel.to(p)[-1] for p in (chat, "1", "2"))


async def test_the_organisers_files_go_at_once_and_the_winners_in_the_morning(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    (p,) = await people(app, 1)
    await p.take_attempt(correct=9)
    await lead(scheduler)
    await run_at(scheduler, clock, "close:2023-Q1")

    await broadcaster.run_once()
    assert channel.documents == [
        (ORGANISER, "ket-qua-2023-Q1-noi-bo.xlsx"),
        (ORGANISER, "giay-chung-nhan-2023-Q1.zip"),
    ]
    assert channel.sent == []
    clock.set(vn(2023, 3, 31, 7, 30))
    await broadcaster.run_once()
    assert len(channel.to("1")) == 2  # congratulations and the winners' list
    assert "Công bố ngày 31/03/2023" in channel.to("1")[1]


async def test_a_reminder_due_at_midnight_goes_in_the_morning_and_names_the_closing_time(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    await people(app, 1)
    await lead(scheduler)
    await run_at(scheduler, clock, "remind:2023-Q1:1")
    await broadcaster.run_once()
    assert channel.sent == []

    clock.set(vn(2023, 3, 30, 7, 30))
    await broadcaster.run_once()
    [reminder] = channel.to("1")
    assert "Quý 1 kết thúc lúc 23:59 ngày 30/03/2023" in reminder


async def test_an_announcement_still_going_at_the_latest_hour_goes_on_in_the_morning(
    app: App,
    clock: ManualClock,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    await people(app, 30)
    clock.set(vn(2023, 3, 1, 20, 59, 59, 500_000))  # half a second before 21:00, at 25 a second
    await app.svc.broadcasts.create(
        "Thông báo", actor="test", now=clock.now(), audience="all", civil_hours=True
    )

    await broadcaster.run_once()
    before = len(channel.sent)
    assert 0 < before < 30
    assert clock.now() < vn(2023, 3, 1, 21, 0, 0, 100_000)
    clock.set(vn(2023, 3, 2, 7, 29))
    await broadcaster.run_once()
    assert len(channel.sent) == before
    clock.set(vn(2023, 3, 2, 7, 30))
    await broadcaster.run_once()
    assert channel.per_user() == {str(i): 1 for i in range(1, 31)}


async def test_the_civil_hours_come_from_the_contest_file(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    window = Announcements(earliest=time(8, 15), latest=time(20, 0))
    app.svc.contest = app.svc.contest.model_copy(update={"announcements": window})
    await people(app, 1)
    await lead(scheduler)
    await run_at(scheduler, clock, "remind:2023-Q1:1")
    clock.set(vn(2023, 3, 30, 8, 14))
    await broadcaster.run_once()
    assert channel.sent == []
    clock.set(vn(2023, 3, 30, 8, 15))
    await broadcaster.run_once()
    assert len(channel.to("1")) == 1


@pytest.mark.parametrize(
    ("local", "allowed"),
    [
        (vn(2023, 4, 1, 0, 0), vn(2023, 4, 1, 7, 30)),
        (vn(2023, 4, 1, 7, 29, 59), vn(2023, 4, 1, 7, 30)),
        (vn(2023, 4, 1, 7, 30), vn(2023, 4, 1, 7, 30)),
        (vn(2023, 4, 1, 13, 5), vn(2023, 4, 1, 13, 5)),
        (vn(2023, 4, 1, 20, 59, 59), vn(2023, 4, 1, 20, 59, 59)),
        (vn(2023, 4, 1, 21, 0), vn(2023, 4, 2, 7, 30)),
        (vn(2023, 3, 31, 23, 59, 59), vn(2023, 4, 1, 7, 30)),
    ],
)
def test_the_next_allowed_instant(local: datetime, allowed: datetime) -> None:
    assert Announcements().next_allowed(local, VN) == allowed


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ("  earliest: 7:30\n", 'write the time in quotes, for example "07:30"'),
        ('  earliest: "22:00"\n', "latest must be after earliest"),
    ],
)
def test_a_wrong_civil_hours_setting_stops_the_start_naming_the_field(
    tmp_path: object, section: str, message: str
) -> None:
    text = CONTEST_FILE.read_text(encoding="utf-8")
    text = text.replace("localities: ", f"localities: {CONTEST_FILE.parent}/")
    start = text.index("announcements:\n")
    end = text.index("\n\n", start)
    path = tmp_path / "contest.yaml"  # type: ignore[operator]
    path.write_text(text[:start] + "announcements:\n" + section + text[end + 1 :], "utf-8")
    with pytest.raises(ContestFileError) as caught:
        load_contest(path)
    assert "announcements" in str(caught.value)
    assert message in str(caught.value)


def test_the_contest_file_sets_half_past_seven_to_nine_in_the_evening() -> None:
    contest: ContestConfig = load_contest(CONTEST_FILE)
    assert (contest.announcements.earliest, contest.announcements.latest) == (
        time(7, 30),
        time(21, 0),
    )
