"""What the pacing tests share: time that passes only when someone sleeps, a pacer on it,
and the bot as `quizbot run` builds it (paced), polling a fake Telegram."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot

from bot.channels.telegram.channel import TelegramChannel
from bot.pacer import Pace, Pacer
from storage.session import in_process_redis


class VirtualTime:
    """Milliseconds that pass only when someone sleeps."""

    def __init__(self) -> None:
        self.ms = 1_000_000

    def now_ms(self) -> int:
        return self.ms

    async def sleep(self, seconds: float) -> None:
        self.ms += round(seconds * 1000)


@pytest.fixture
def time() -> VirtualTime:
    return VirtualTime()


@pytest.fixture
def pacer(time: VirtualTime) -> Pacer:
    """25 a second for the bot, 500 a second paid; a chat 3 at once then 1 a second."""
    return Pacer(
        in_process_redis(),
        "t",
        "telegram",
        Pace(
            per_second=25.0,
            chat_interval_s=1.0,
            chat_burst=3,
            group_interval_s=3.0,
            paid_per_second=500.0,
        ),
        now_ms=time.now_ms,
        sleep=time.sleep,
    )


async def sent_at(time: VirtualTime, pacer: Pacer, chat: str | int | None) -> int:
    """When (ms from the start) a message to `chat` gets its turn."""
    await pacer.turn(chat)
    return time.ms - 1_000_000


@contextlib.asynccontextmanager
async def polling(channel: TelegramChannel, bot: Bot) -> AsyncIterator[TelegramChannel]:
    """The channel taking updates from the fake until the block ends."""
    task = asyncio.create_task(
        channel.dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        yield channel
    finally:
        try:
            await channel.dispatcher.stop_polling()
        except RuntimeError:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await bot.session.close()
