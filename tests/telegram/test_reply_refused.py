"""A reply Telegram refuses for good (429 after the retries) is logged, and nothing more is sent
to that chat: the apology would meet the same refusal (the field test saw 23 of 23 fail).

The channel runs in this process on a real aiogram Bot (with the bot's retries, waits skipped)
talking HTTP to the fake Telegram server.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.session import RetryMiddleware
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.conftest import TOKEN, LocalSession

ATTEMPTS = 4


async def no_wait(seconds: float) -> None:
    return None


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as server:
        yield server


@pytest.fixture
async def channel(app: App, tg: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    session = LocalSession(api=TelegramAPIServer.from_base(tg.base_url))
    session.middleware(RetryMiddleware(attempts=ATTEMPTS, sleep=no_wait))
    default = DefaultBotProperties(parse_mode=ParseMode.HTML)
    async with Bot(TOKEN, session=session, default=default) as bot:
        yield TelegramChannel(bot, app.engine, app.store, app.svc.texts, flood_limit=1000)


async def test_a_reply_refused_with_429_after_the_retries_gets_no_apology_in_that_chat(
    tg: FakeTelegram, channel: TelegramChannel, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    an = tg.user(1001, "An")
    for _ in range(ATTEMPTS):
        tg.fail_next("sendMessage", 429, retry_after=3)

    await channel.dispatcher.feed_raw_update(channel.bot, an.send_text("/lichthi"))

    assert [c.status for c in tg.calls("sendMessage")] == [429] * ATTEMPTS
    assert tg.sent_to(1001) == []
    assert "Telegram refused a reply (TelegramRetryAfter" in caplog.text
    assert "Traceback" not in caplog.text
    # Once Telegram takes messages again, the next update is answered as usual.
    await channel.dispatcher.feed_raw_update(channel.bot, an.send_text("/lichthi"))
    assert "Lịch thi" in tg.sent_to(1001)[-1].text
    tg.assert_no_violations()


async def test_a_refused_answer_to_a_tap_is_not_followed_by_a_message_either(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    an = tg.user(1002, "An")
    await channel.dispatcher.feed_raw_update(channel.bot, an.send_text("/start"))
    sent = len(tg.calls("sendMessage"))
    for _ in range(ATTEMPTS):
        tg.fail_next("answerCallbackQuery", 429, retry_after=1)

    await channel.dispatcher.feed_raw_update(channel.bot, an.tap_button("📜 Thể lệ"))

    assert len(tg.calls("answerCallbackQuery")) == ATTEMPTS
    assert len(tg.calls("sendMessage")) == sent  # neither the rules nor an apology
