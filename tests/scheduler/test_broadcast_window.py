"""Broadcasts at the configured rate never put more than that many messages in one second.

Against a platform that counts the messages of the last second and answers 429 past the
limit, as Telegram does: a 429 pauses the whole stream, so a broadcast paced at its limit
must never provoke one, however unevenly each message leaves after its slot.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from dataclasses import dataclass, field

import pytest

from bot.app import App
from bot.broadcast import Broadcaster
from bot.channels.base import RetryLaterError
from bot.clock import ManualClock
from handlers.events import Reply
from tests.scheduler.conftest import people


@dataclass
class LimitedChannel:
    """Takes at most `limit` messages in any one second (sliding), else answers 429.

    Each message takes a little time to send, between 0 and `work_ms` milliseconds.
    """

    clock: ManualClock
    limit: int
    rng: random.Random
    work_ms: float = 0.0
    name: str = "telegram"
    window: deque[float] = field(default_factory=deque)
    sent: list[float] = field(default_factory=list)
    refused: int = 0

    async def send_to(self, user_id: str, replies: list[Reply]) -> None:
        self.clock.advance(seconds=self.rng.uniform(0, self.work_ms) / 1000)
        now = self.clock.now().timestamp()
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if len(self.window) >= self.limit:
            self.refused += 1
            raise RetryLaterError(1)
        self.window.append(now)
        self.sent.append(now)


def _broadcaster(app: App, clock: ManualClock, channel: LimitedChannel, rate: int) -> Broadcaster:
    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    return Broadcaster(app.svc, {"telegram": channel}, rates={"telegram": rate}, sleep=sleep)


@pytest.mark.parametrize("rate", [25, 30])
async def test_messages_that_leave_unevenly_late_after_their_slot_never_get_a_429(
    app: App, clock: ManualClock, rate: int
) -> None:
    await people(app, 120)
    channel = LimitedChannel(clock, rate, random.Random(5), work_ms=3.0)
    await app.svc.broadcasts.create("Thông báo", actor="test", now=clock.now())

    await _broadcaster(app, clock, channel, rate).run_once()

    assert len(channel.sent) == 120
    assert channel.refused == 0
    achieved = (len(channel.sent) - 1) / (channel.sent[-1] - channel.sent[0])
    assert achieved >= 0.95 * rate


async def test_a_rate_that_does_not_divide_a_second_is_not_rounded_up(
    app: App, clock: ManualClock
) -> None:
    # 1000 / 30 ms is 33.3: a 33 ms pace sent 31 messages in some second.
    await people(app, 70)
    channel = LimitedChannel(clock, 30, random.Random(1))
    await app.svc.broadcasts.create("Thông báo", actor="test", now=clock.now())

    await _broadcaster(app, clock, channel, 30).run_once()

    assert len(channel.sent) == 70
    assert channel.refused == 0
