"""The fake Telegram refuses what Telegram would: past 30 messages a second per bot, a burst
of more than 3 in one chat, more than 20 a minute in a group, with 429 and retry_after."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramRetryAfter

from tests.fake_telegram import FakeTelegram, Limits
from tests.fake_telegram.conftest import TOKEN, make_bot
from tests.fake_telegram.limits import FloodControl, TooManyRequestsError, counted


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_chat_takes_a_burst_of_three_then_one_a_second() -> None:
    clock = Clock()
    flood = FloodControl(Limits(), clock=clock)
    for _ in range(3):
        flood.check("sendMessage", 7)
    with pytest.raises(TooManyRequestsError) as caught:
        flood.check("editMessageText", 7)
    assert caught.value.retry_after == 1
    flood.check("sendMessage", 8)  # another chat is not held up
    clock.now += 1.0
    flood.check("sendMessage", 7)
    with pytest.raises(TooManyRequestsError):
        flood.check("sendMessage", 7)
    assert flood.refused == {"bot": 0, "chat": 2, "group": 0}


def test_the_bot_sends_at_most_thirty_in_any_second() -> None:
    clock = Clock()
    flood = FloodControl(Limits(), clock=clock)
    for chat in range(30):
        flood.check("sendMessage", chat)
        clock.now += 0.01
    with pytest.raises(TooManyRequestsError) as caught:
        flood.check("sendMessage", 99)
    assert (caught.value.which, caught.value.retry_after) == ("bot", 1)
    clock.now += 0.71  # the first one is now more than a second old
    flood.check("sendMessage", 99)


def test_a_group_takes_twenty_a_minute() -> None:
    clock = Clock()
    flood = FloodControl(Limits(), clock=clock)
    for _ in range(20):
        flood.check("sendMessage", -100123)
        clock.now += 2.0
    with pytest.raises(TooManyRequestsError) as caught:
        flood.check("sendMessage", -100123)
    assert (caught.value.which, caught.value.retry_after) == ("group", 20)


def test_tap_answers_and_typing_do_not_count() -> None:
    assert not counted("answerCallbackQuery")
    assert not counted("sendChatAction")
    assert not counted("setMyCommands")
    assert all(
        counted(m)
        for m in ("sendMessage", "sendDocument", "sendPhoto", "editMessageText", "copyMessage")
    )
    assert counted("editMessageReplyMarkup")


async def test_past_the_limit_telegram_answers_429_with_retry_after() -> None:
    async with FakeTelegram(TOKEN) as tg, make_bot(tg) as bot:
        tg.user(4242)
        for i in range(3):
            await bot.send_message(4242, str(i))
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(4242, "3")

        assert caught.value.retry_after == 1
        refused = tg.calls("sendMessage")[-1]
        assert refused.status == 429
        assert refused.description == "Too Many Requests: retry after 1"
        assert tg.too_many == 1
        assert [m.text for m in tg.sent_to(4242)] == ["0", "1", "2"]


async def test_limits_can_be_switched_off() -> None:
    async with FakeTelegram(TOKEN, limits=Limits.off()) as tg, make_bot(tg) as bot:
        tg.user(4242)
        for i in range(10):
            await bot.send_message(4242, str(i))
        assert tg.too_many == 0
