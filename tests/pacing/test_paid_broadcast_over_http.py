"""A paid broadcast through a fake Telegram that enforces the limits and charges Stars as
Telegram does, over HTTP with the bot as `quizbot run` builds it.

The organiser reads the most it may cost, confirms it paid, and the announcement reaches a
few hundred people faster than the free 30 a second, with no 429, for no more Stars than
shown (Telegram leaves the free 30 a second uncharged). Sent free, no message carries
allow_paid_broadcast. A participant answering during a paid broadcast gets their next
question at once.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.broadcast import Broadcaster
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.session import make_bot
from bot.clock import ManualClock, OffsetClock
from bot.pacer import Pace, Pacer
from handlers.context import Sending
from tests.fake_telegram import FakeTelegram
from tests.pacing.conftest import polling
from tests.scheduler.conftest import people
from tests.support.client import Person
from tests.telegram.process import TOKEN

ORGANISER = "telegram:9000"
PAID_RATE = 250.0
STARS = 1000.0
HEADING = "Thông báo của Ban Tổ chức"


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN, stars=STARS) as server:  # Telegram's limits, the defaults
        yield server


@pytest.fixture
async def channel(app: App, tg: FakeTelegram, clock: ManualClock) -> AsyncIterator[TelegramChannel]:
    """The bot as `quizbot run` builds it with TELEGRAM_PAID_BROADCAST=true, polling the fake;
    the contest's time runs from the test's start (the pace keeps real time)."""
    app.svc.clock = OffsetClock(clock.now())
    app.svc.admins = frozenset({ORGANISER})
    pace = Pace(paid_per_second=PAID_RATE)
    bot = make_bot(tg.token, tg.base_url, pacer=Pacer(app.store.redis, "t", "telegram", pace))
    tg_channel = TelegramChannel(bot, app.engine, app.store, app.svc.texts, flood_limit=1000)
    app.svc.sending = Sending(
        rates={"telegram": 25.0},
        paid=True,
        paid_rate=PAID_RATE,
        paid_budget_stars=100,
        star_balance=tg_channel.star_balance,
    )
    async with polling(tg_channel, bot) as channel:
        yield channel


def broadcaster(app: App, channel: TelegramChannel) -> Broadcaster:
    return Broadcaster(
        app.svc, {"telegram": channel}, rates={"telegram": 25.0, "telegram:paid": PAID_RATE}
    )


async def confirm(app: App, button: str) -> str:
    """/admin → 📣 → the text → `button`; what the preview said."""
    organiser = Person.on(app, "telegram", "9000", "Ban Tổ chức")
    await organiser.send("/admin")
    await organiser.tap("📣 Gửi thông báo")
    await organiser.send("Vòng chung kết bắt đầu lúc 20 giờ tối nay.")
    shown = organiser.said
    await organiser.tap(button)
    assert "Đã bắt đầu gửi" in organiser.said
    return shown


async def registered(app: App, tg: FakeTelegram, n: int) -> None:
    """n people registered on Telegram (ids 1…n), each with a chat with the bot."""
    await people(app, n)
    for uid in range(1, n + 1):
        tg.user(uid)


def announcements(tg: FakeTelegram) -> list[dict[str, object]]:
    return [c.params for c in tg.calls("sendMessage") if HEADING in str(c.params.get("text"))]


async def test_a_paid_broadcast_goes_past_thirty_a_second_for_no_more_stars_than_shown(
    app: App, tg: FakeTelegram, channel: TelegramChannel
) -> None:
    await registered(app, tg, 300)
    shown = await confirm(app, "💫 Gửi trả phí")
    assert "thông báo sẽ gửi tới 300 người" in shown
    assert "⏱ Gửi miễn phí: khoảng 12 giây" in shown
    assert "💫 Gửi trả phí: khoảng 2 giây (Telegram tới 250 tin/giây)" in shown
    assert "Chi phí tối đa 30 sao" in shown
    assert "Số dư của bot: 1.000 sao." in shown

    started = time.monotonic()
    sent = await broadcaster(app, channel).run_once()
    elapsed = time.monotonic() - started

    assert sent == 300
    assert all(len(tg.sent_to(uid)) == 1 for uid in range(1, 301))
    assert sent / elapsed > 30, f"{sent / elapsed:.0f} messages a second"
    assert tg.too_many == 0
    assert all(p.get("allow_paid_broadcast") in (True, "true") for p in announcements(tg))
    # At most what was shown; less only by the free 30 a second Telegram does not charge.
    free_allowance = 30 * math.ceil(elapsed + 1)
    assert (300 - free_allowance) * 0.1 <= tg.stars_spent <= 30.0
    assert await channel.star_balance() == pytest.approx(STARS - tg.stars_spent)
    tg.assert_no_violations()


async def test_a_free_broadcast_sends_no_paid_parameter_and_spends_nothing(
    app: App, tg: FakeTelegram, channel: TelegramChannel
) -> None:
    await registered(app, tg, 20)
    await confirm(app, "✅ Gửi miễn phí")

    assert await broadcaster(app, channel).run_once() == 20

    sent = announcements(tg)
    assert len(sent) == 20
    assert all("allow_paid_broadcast" not in p for p in sent)
    assert (tg.stars_spent, tg.paid_messages, tg.too_many) == (0, 0, 0)


async def test_a_participant_answering_during_a_paid_broadcast_gets_the_next_question_at_once(
    app: App, tg: FakeTelegram, channel: TelegramChannel
) -> None:
    await registered(app, tg, 300)
    an = tg.user(5001, "An")
    await Person.on(app, "telegram", "5001", "An").register(phone="0912345678")
    an.send_text("/thi")
    question = await tg.wait_for_text(5001, "Câu 1/10", timeout=15)
    await confirm(app, "💫 Gửi trả phí")

    sending = asyncio.create_task(broadcaster(app, channel).run_once())
    await tg.wait_for_text(50, HEADING)  # the broadcast is well under way
    tapped = time.monotonic()
    an.tap(question.message_id, question.buttons[0].callback_data or "")
    await tg.wait_for_text(5001, "Câu 2/10", timeout=15)
    waited = time.monotonic() - tapped
    still_sending = len(announcements(tg)) < 301
    await sending

    assert waited < 1.0, f"the next question took {waited:.2f} s"
    assert still_sending, "the broadcast had finished before the answer was handled"
    assert tg.too_many == 0
