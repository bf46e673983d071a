"""Fixtures for the scheduled jobs: registered participants and a recording channel."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from bot.app import App
from bot.broadcast import Broadcaster
from bot.clock import ManualClock
from bot.scheduler import ContestJobs
from handlers.events import Reply
from tests.scheduler.recording import RecordingChannel
from tests.support.client import Person


@pytest.fixture
def channel() -> RecordingChannel:
    return RecordingChannel()


@pytest.fixture
def organisers(channel: RecordingChannel) -> Callable[[list[Reply]], Awaitable[None]]:
    async def send(replies: list[Reply]) -> None:
        await channel.send_to("9000", replies)

    return send


@pytest.fixture
def jobs(app: App, organisers: Callable[[list[Reply]], Awaitable[None]]) -> ContestJobs:
    return ContestJobs(app.svc, organisers=organisers)


@pytest.fixture
def broadcaster(app: App, channel: RecordingChannel, clock: ManualClock) -> Broadcaster:
    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    return Broadcaster(app.svc, {"telegram": channel}, rates={"telegram": 25}, sleep=sleep)


async def people(app: App, n: int, *, start: int = 1) -> list[Person]:
    """n registered Telegram participants with distinct phones."""
    out = []
    for i in range(start, start + n):
        p = Person.on(app, "telegram", str(i), f"P{i}")
        await p.register(name=f"Nguyễn Văn Người Thứ {_word(i)}", phone=f"09{i:08d}")
        out.append(p)
    return out


def _word(i: int) -> str:
    words = ["Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười"]
    return " ".join(words[int(d)] if d != "0" else "Không" for d in str(i))
