"""Broadcasts: paced under the limit, 429 honoured, blocked users skipped, crashes resumed."""

from __future__ import annotations

import random

import pytest

from bot.app import App
from bot.broadcast import RETRY_FIRST, Broadcaster
from bot.clock import ManualClock
from storage.repos.audiences import DIRECT
from tests.scheduler.conftest import ORGANISER, people
from tests.scheduler.recording import Crash, RecordingChannel


async def test_a_broadcast_interrupted_at_a_random_point_resumes_with_everyone_once(
    app: App, clock: ManualClock, broadcaster: Broadcaster, channel: RecordingChannel
) -> None:
    await people(app, 30)
    await app.svc.broadcasts.create("Thông báo thử", actor="test", now=clock.now())
    rng = random.Random(11)
    for _ in range(3):
        channel.crash_after = len(channel.sent) + rng.randrange(1, 8)
        with pytest.raises(Crash):
            await broadcaster.run_once()
    channel.crash_after = None
    restarted = Broadcaster(
        app.svc, {"telegram": channel}, rates={"telegram": 25}, sleep=broadcaster.sleep
    )
    await restarted.run_once()
    assert channel.per_user() == {str(i): 1 for i in range(1, 31)}
    [status] = await app.svc.broadcasts.recent(1)
    assert (status.sent, status.failed, status.remaining, status.status) == (30, 0, 0, "done")


async def test_sends_are_paced_at_the_configured_rate(
    app: App, clock: ManualClock, broadcaster: Broadcaster, channel: RecordingChannel
) -> None:
    await people(app, 50)
    started = clock.now()
    await app.svc.broadcasts.create("Thông báo", actor="test", now=started)
    await broadcaster.run_once()
    elapsed = (clock.now() - started).total_seconds()
    assert len(channel.sent) == 50
    assert 49 / 25 <= elapsed <= 50 / 25 + 0.1  # 25 a second, no faster


async def test_a_429_pauses_for_retry_after_and_the_message_still_goes(
    app: App, clock: ManualClock, broadcaster: Broadcaster, channel: RecordingChannel
) -> None:
    await people(app, 3)
    channel.too_many = [7.0]
    started = clock.now()
    await app.svc.broadcasts.create("Thông báo", actor="test", now=started)
    await broadcaster.run_once()
    assert channel.per_user() == {"1": 1, "2": 1, "3": 1}
    assert (clock.now() - started).total_seconds() >= 7


async def test_a_user_who_blocked_the_bot_is_marked_and_skipped_next_time(
    app: App, clock: ManualClock, broadcaster: Broadcaster, channel: RecordingChannel
) -> None:
    await people(app, 3)
    channel.blocked = {"2"}
    await app.svc.broadcasts.create("Một", actor="test", now=clock.now())
    await broadcaster.run_once()
    [first] = await app.svc.broadcasts.recent(1)
    assert (first.sent, first.failed) == (2, 1)
    _, count = await app.svc.broadcasts.create("Hai", actor="test", now=clock.now())
    assert count == 2
    await broadcaster.run_once()
    assert channel.per_user() == {"1": 2, "3": 2}


async def test_only_the_leading_process_sends_broadcasts(
    app: App, clock: ManualClock, broadcaster: Broadcaster, channel: RecordingChannel
) -> None:
    await people(app, 2)
    await app.svc.broadcasts.create("Thông báo", actor="test", now=clock.now())

    def not_leading() -> bool:
        broadcaster.stop.set()  # one pass is enough to see that nothing is sent
        return False

    await broadcaster.run_forever(every=0, leading=not_leading)
    assert channel.sent == []
    [status] = await app.svc.broadcasts.recent(1)
    assert status.remaining == 2


async def test_a_recipient_that_failed_is_tried_again_later_and_gets_it_once(
    app: App, clock: ManualClock, broadcaster: Broadcaster, channel: RecordingChannel
) -> None:
    await people(app, 3)
    channel.refusing = {"2": "Bad Gateway"}  # Telegram's side failing for a moment
    await app.svc.broadcasts.create("Thông báo", actor="test", now=clock.now())
    await broadcaster.run_once()
    assert channel.per_user() == {"1": 1, "3": 1}

    channel.refusing = {}
    await broadcaster.run_once()  # not due yet
    assert channel.per_user() == {"1": 1, "3": 1}
    clock.advance(RETRY_FIRST)
    await broadcaster.run_once()
    assert channel.per_user() == {"1": 1, "2": 1, "3": 1}
    [status] = await app.svc.broadcasts.recent(1)
    assert (status.sent, status.failed, status.remaining, status.status) == (3, 0, 0, "done")


async def test_a_delivery_to_the_organisers_goes_ahead_of_a_long_announcement(
    app: App, clock: ManualClock, channel: RecordingChannel
) -> None:
    await people(app, 20)
    await app.svc.broadcasts.create("Thông báo dài", actor="test", now=clock.now())

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)
        if len(channel.sent) == 3 and not channel.to(ORGANISER):
            await app.svc.broadcasts.create(
                "Riêng Ban Tổ chức",
                actor="test",
                now=clock.now(),
                audience=DIRECT,
                direct=[f"telegram:{ORGANISER}"],
            )

    await Broadcaster(
        app.svc, {"telegram": channel}, rates={"telegram": 25}, sleep=sleep, batch=5
    ).run_once()

    assert len(channel.sent) == 21
    assert channel.sent.index((ORGANISER, "Riêng Ban Tổ chức")) <= 6  # after the batch under way
