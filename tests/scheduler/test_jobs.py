"""Scheduled jobs: each announces once, however often it runs, and catches up after downtime."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.broadcast import Broadcaster
from bot.clock import ManualClock
from bot.scheduler import ContestJobs
from handlers.jury import actions
from handlers.rounds import close_round
from tests.conftest import vn
from tests.scheduler.conftest import ORGANISER, people
from tests.scheduler.recording import RecordingChannel
from tests.support.client import Person


async def test_opening_announces_to_everyone_registered_once(
    app: App,
    clock: ManualClock,
    jobs: ContestJobs,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    await close_round(app.svc, "2023-Q1", actor="test")
    await people(app, 3)
    clock.set(vn(2023, 4, 1, 0, 0))
    await jobs.open("2023-Q2")
    await jobs.open("2023-Q2")
    clock.set(vn(2023, 4, 1, 7, 30))
    await broadcaster.run_once()
    await jobs.open("2023-Q2")
    await broadcaster.run_once()
    rnd = await app.svc.rounds.get("2023-Q2")
    assert rnd is not None
    assert rnd.status == "open"
    # (The organiser was asked to review Q1 when it closed.)
    assert {k: n for k, n in channel.per_user().items() if k != ORGANISER} == {
        "1": 1,
        "2": 1,
        "3": 1,
    }
    assert "Quý 2 của Cuộc thi" in channel.to("1")[0]
    assert "23:59 ngày 30/06/2023" in channel.to("1")[0]


async def test_reminders_go_only_to_those_who_have_not_taken_part(
    app: App,
    clock: ManualClock,
    jobs: ContestJobs,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    taker, _idle = await people(app, 2)
    await taker.take_attempt(correct=5)
    clock.set(vn(2023, 3, 27, 23, 59, 59))
    await jobs.remind("2023-Q1", 3)
    await jobs.remind("2023-Q1", 3)
    clock.set(vn(2023, 3, 28, 7, 30))
    await broadcaster.run_once()
    assert channel.per_user() == {"2": 1}
    assert "Quý 1 kết thúc lúc 23:59 ngày 30/03/2023" in channel.to("2")[0]


async def test_approving_tells_each_winner_and_everyone_the_masked_list_once(
    app: App,
    clock: ManualClock,
    jobs: ContestJobs,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    first, second, third = await people(app, 3)
    outsider = Person.on(app, "telegram", "77", "X")
    await outsider.register(name="Lê Thị Không Thi", phone="0977000077")
    await first.take_attempt(correct=9, prediction=3)
    await second.take_attempt(correct=7, prediction=3)
    await third.take_attempt(correct=2, prediction=3)
    clock.set(vn(2023, 3, 31, 0, 0))
    await jobs.close("2023-Q1")
    await jobs.close("2023-Q1")
    clock.set(vn(2023, 3, 31, 7, 30))
    await broadcaster.run_once()
    assert channel.to("1") == []  # provisional until the jury approves
    assert await actions.approve(app.svc, "2023-Q1", "telegram:9000")
    await broadcaster.run_once()
    await jobs.close("2023-Q1")
    assert not await actions.approve(app.svc, "2023-Q1", "telegram:9000")
    await broadcaster.run_once()

    to_first = channel.to("1")
    assert len(to_first) == 2
    assert any("Chúc mừng Nguyễn Văn Người Thứ" in t and "Giải Nhất" in t for t in to_first)
    results = next(t for t in to_first if "Kết quả Quý 1" in t)
    assert "Giải Nhất: Nguyễn V. N. T. H. (Hoa Lư)" in results
    assert "Số người tham gia: 3" in results
    assert "Cảm ơn bạn đã tham gia!" in results
    # The outsider took no part; the organiser was asked to review, then given the files.
    assert channel.per_user() == {"1": 2, "2": 2, "3": 2, ORGANISER: 1}
    assert channel.documents == [
        (ORGANISER, "ket-qua-2023-Q1-noi-bo.xlsx"),
        (ORGANISER, "giay-chung-nhan-2023-Q1.zip"),
    ]
    winners = await app.svc.winners.of_round("2023-Q1")
    assert [w.tier for w in winners] == ["first", "second", "second"]


async def test_after_downtime_missed_openings_and_closings_run_once(
    app: App,
    clock: ManualClock,
    jobs: ContestJobs,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    (p,) = await people(app, 1)
    await p.take_attempt(correct=6)
    clock.set(vn(2023, 4, 2, 9, 0))  # the bot was down over Q1's close and Q2's opening
    assert (await jobs.reconcile()).done == ["close:2023-Q1", "open:2023-Q2"]
    assert (await jobs.reconcile()).done == []
    await broadcaster.run_once()
    assert len(channel.to("1")) == 1  # Q2's opening; Q1's results wait for the jury
    await actions.approve(app.svc, "2023-Q1", "telegram:9000")
    await broadcaster.run_once()
    texts = channel.to("1")
    assert len(texts) == 3  # Q2's opening, the winner's message, Q1's results
    assert sum("Quý 2" in t for t in texts) == 1
    q1 = await app.svc.rounds.get("2023-Q1")
    q2 = await app.svc.rounds.get("2023-Q2")
    assert q1 is not None
    assert q2 is not None
    assert (q1.status, q2.status) == ("closed", "open")
    clock.advance(timedelta(days=1))
    assert (await jobs.reconcile()).done == []
    await broadcaster.run_once()
    assert len(channel.to("1")) == 3


async def test_openings_and_winners_are_posted_to_the_announcement_chat_once(
    app: App,
    clock: ManualClock,
    jobs: ContestJobs,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
    chat: str,
) -> None:
    (p,) = await people(app, 1)
    await p.take_attempt(correct=8)
    clock.set(vn(2023, 4, 1, 8, 0))
    for _ in range(2):
        await jobs.reconcile()
        await jobs.close("2023-Q1")
        await jobs.open("2023-Q2")
        await actions.approve(app.svc, "2023-Q1", "telegram:9000")
        await broadcaster.run_once()
    posts = channel.to(chat)
    assert len(posts) == 2
    assert "Quý 2 của Cuộc thi" in posts[0]
    assert "Kết quả Quý 1" in posts[1]
    assert "Nguyễn V. N. T. H." in posts[1]


async def test_a_round_closed_weeks_ago_without_announcements_is_not_announced_late(
    app: App,
    clock: ManualClock,
    jobs: ContestJobs,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    (p,) = await people(app, 1)
    await p.take_attempt(correct=6)
    # Closed by hand before closing by hand announced anything: stored, never announced.
    await app.svc.rounds.set_closed("2023-Q1", clock.now(), 1)
    clock.set(vn(2023, 3, 1, 9, 0))

    assert (await jobs.reconcile()).done == []
    await broadcaster.run_once()
    assert channel.sent == []
    assert await app.svc.broadcasts.by_key("winners:2023-Q1") is None
