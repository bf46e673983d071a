"""The fake Telegram charges paid broadcasts as Telegram does: allow_paid_broadcast lifts the
30 a second up to 1000, each message past the free 30 in its second costs 0.1 Stars from the
bot's balance, only delivered messages are charged, a short balance is refused."""

from __future__ import annotations

import pytest
from aiogram.exceptions import TelegramBadRequest

from tests.fake_telegram import FakeTelegram, Limits
from tests.fake_telegram.conftest import TOKEN, make_bot
from tests.fake_telegram.limits import BalanceTooLowError, FloodControl, TooManyRequestsError
from tests.fake_telegram.test_flood_limits import Clock


def test_paid_messages_pass_the_thirty_a_second_and_those_past_thirty_are_charged() -> None:
    flood = FloodControl(Limits(), clock=Clock())
    charged = [flood.check("sendMessage", chat, paid=True) for chat in range(100)]
    assert charged == [False] * 30 + [True] * 70
    assert flood.refused == {"bot": 0, "chat": 0, "group": 0}


def test_free_messages_keep_their_limit_and_use_up_the_free_allowance() -> None:
    flood = FloodControl(Limits(), clock=Clock())
    for chat in range(30):
        flood.check("sendMessage", chat)
    with pytest.raises(TooManyRequestsError):
        flood.check("sendMessage", 99)
    assert flood.check("sendMessage", 99, paid=True)  # past the free 30: charged


def test_more_than_a_thousand_paid_in_a_second_is_refused_with_429() -> None:
    clock = Clock()
    flood = FloodControl(Limits(), clock=clock)
    for chat in range(1000):
        flood.check("sendMessage", chat, paid=True)
    with pytest.raises(TooManyRequestsError) as caught:
        flood.check("sendMessage", 5000, paid=True)
    assert caught.value.retry_after == 1
    clock.now += 1.0
    flood.check("sendMessage", 5000, paid=True)


def test_one_chat_keeps_its_limit_when_paid() -> None:
    flood = FloodControl(Limits(), clock=Clock())
    for _ in range(3):
        flood.check("sendMessage", 7, paid=True)
    with pytest.raises(TooManyRequestsError):
        flood.check("sendMessage", 7, paid=True)


def test_a_charged_message_the_balance_cannot_pay_is_refused() -> None:
    flood = FloodControl(Limits(), clock=Clock())
    for chat in range(30):
        assert not flood.check("sendMessage", chat, paid=True, can_pay=False)  # free ones go
    with pytest.raises(BalanceTooLowError):
        flood.check("sendMessage", 31, paid=True, can_pay=False)


async def test_the_bots_stars_pay_for_what_was_delivered_and_a_short_balance_is_refused() -> None:
    async with FakeTelegram(TOKEN, stars=0.4) as tg, make_bot(tg) as bot:
        for uid in range(1, 40):
            tg.user(uid)
        for uid in range(1, 34):  # 30 free, 3 at 0.1 Stars
            await bot.send_message(uid, "Thông báo", allow_paid_broadcast=True)
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.send_message(12345, "Thông báo", allow_paid_broadcast=True)
        assert tg.stars_spent == pytest.approx(0.3)  # not delivered: not charged
        await bot.send_message(34, "Thông báo", allow_paid_broadcast=True)
        balance = await bot.get_my_star_balance()
        assert (balance.amount, balance.nanostar_amount) == (0, 0)
        with pytest.raises(TelegramBadRequest) as caught:
            await bot.send_message(35, "Thông báo", allow_paid_broadcast=True)
        assert caught.value.message == "Bad Request: BALANCE_TOO_LOW"

        assert tg.stars_spent == pytest.approx(0.4)
        assert tg.paid_messages == 34
        assert tg.sent_to(35) == []
        tg.assert_no_violations()


async def test_the_balance_reads_in_stars_and_nanostars() -> None:
    async with FakeTelegram(TOKEN, stars=12.5) as tg, make_bot(tg) as bot:
        balance = await bot.get_my_star_balance()
        assert (balance.amount, balance.nanostar_amount) == (12, 500_000_000)
