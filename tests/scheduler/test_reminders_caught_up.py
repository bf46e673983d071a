"""Reminders that fall due while no process leads (the bot down, or a hand-over under way) go
out once when the bot is back, if they are still of use; never after the round has closed."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.broadcast import Broadcaster
from bot.clock import ManualClock
from bot.scheduler import ContestJobs, LeaderLock, Scheduler
from tests.conftest import vn
from tests.scheduler.conftest import lead, people, run_at
from tests.scheduler.recording import RecordingChannel
from tests.support.servers import redis_prefix


async def test_a_reminder_due_while_the_bot_was_down_goes_out_once_when_it_is_back(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    taker, _absent = await people(app, 2)
    await taker.take_attempt(correct=5)
    clock.set(vn(2023, 3, 28, 10, 0))  # down over the reminder 3 days before the close

    await lead(scheduler)
    await scheduler.catch_up()
    await broadcaster.run_once()
    await scheduler.catch_up()
    await broadcaster.run_once()

    assert channel.per_user() == {"2": 1}
    assert "Quý 1 kết thúc lúc 23:59 ngày 30/03/2023" in channel.to("2")[0]


async def test_after_missing_both_reminders_only_the_latest_goes_out(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    await people(app, 1)
    clock.set(vn(2023, 3, 30, 9, 0))  # down over both reminders (3 days and 1 day before)

    await lead(scheduler)
    await broadcaster.run_once()

    assert channel.per_user() == {"1": 1}
    assert await app.svc.broadcasts.by_key("remind:2023-Q1:1") is not None
    assert await app.svc.broadcasts.by_key("remind:2023-Q1:3") is None


async def test_no_reminder_once_the_round_has_closed(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    await people(app, 1)
    clock.set(vn(2023, 3, 31, 9, 0))  # down over both reminders and the close

    await lead(scheduler)
    await broadcaster.run_once()

    assert not [t for t in channel.to("1") if "Bạn chưa thi lượt nào" in t]
    assert await app.svc.broadcasts.by_key("remind:2023-Q1:1") is None


async def test_a_reminder_still_waiting_for_the_morning_is_dropped_when_the_round_closes(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    await people(app, 1)
    clock.set(vn(2023, 3, 30, 22, 0))  # back late on the last evening: the reminder would
    await lead(scheduler)  # have to wait for 07:30, when the round is over
    made = await app.svc.broadcasts.by_key("remind:2023-Q1:1")
    assert made is not None
    clock.set(vn(2023, 3, 31, 7, 30))
    await broadcaster.run_once()

    assert not [t for t in channel.to("1") if "Bạn chưa thi lượt nào" in t]
    status = await app.svc.broadcasts.status(made[0])
    assert (status.status, status.sent, status.remaining) == ("done", 0, 0)


@pytest.mark.redis
async def test_a_reminder_due_during_a_hand_over_goes_out_once_from_the_new_leader(
    app: App,
    clock: ManualClock,
    jobs: ContestJobs,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    await people(app, 2)
    async with redis_prefix() as (redis, prefix):
        key = f"{prefix}:leader"
        dying = Scheduler(jobs, LeaderLock(redis, key, owner="dying"))
        follower = Scheduler(jobs, LeaderLock(redis, key, owner="follower"))
        await lead(dying)
        # The leader has died; its lock has not expired yet when the reminder falls due, so
        # the follower's own run of the job leaves it to the leader.
        await run_at(follower, clock, "remind:2023-Q1:3")
        assert await app.svc.broadcasts.by_key("remind:2023-Q1:3") is None

        await redis.delete(key)  # the dead leader's lock runs out
        await lead(follower)
        await follower.catch_up()

    clock.set(vn(2023, 3, 28, 7, 30))
    await broadcaster.run_once()
    assert channel.per_user() == {"1": 1, "2": 1}
