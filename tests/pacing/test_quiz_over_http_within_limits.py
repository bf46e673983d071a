"""A participant who taps the moment each question shows, over HTTP against a fake Telegram
that enforces the flood limits: no 429, every question shown, one message per answer."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.session import make_bot
from bot.pacer import Pacer
from tests.fake_telegram import FakeTelegram
from tests.pacing.conftest import polling
from tests.telegram.process import TOKEN
from tests.telegram.scripted import register

UID = 5001
MESSAGE_CALLS = ("sendMessage", "editMessageText")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as server:  # Telegram's limits, as the fake's defaults
        yield server


@pytest.fixture
async def channel(app: App, tg: FakeTelegram) -> AsyncIterator[TelegramChannel]:
    """The bot as `quizbot run` builds it (paced), polling the fake."""
    pacer = Pacer(app.store.redis, app.store.keys.prefix, "telegram")
    bot = make_bot(tg.token, tg.base_url, pacer=pacer)
    async with polling(
        TelegramChannel(bot, app.engine, app.store, app.svc.texts, flood_limit=1000), bot
    ) as channel:
        yield channel


def _messages_sent(tg: FakeTelegram) -> int:
    return sum(len([c for c in tg.calls(m) if c.status == 200]) for m in MESSAGE_CALLS)


async def test_a_fast_tapper_sees_every_question_with_one_message_per_answer_and_no_429(
    tg: FakeTelegram, channel: TelegramChannel
) -> None:
    an = tg.user(UID, "An")
    await register(tg, an, "Nguyễn Văn An", "0912345678", contact=True)
    before = _messages_sent(tg)

    an.send_text("/thi")
    question = await tg.wait_for_text(UID, "Câu 1/10", timeout=15)
    for n in range(1, 11):
        an.tap(question.message_id, question.buttons[0].callback_data or "")
        following = f"Câu {n + 1}/10" if n < 10 else "Câu hỏi dự đoán"
        shown = await tg.wait_for_text(UID, following, timeout=15)
        assert shown.message_id == question.message_id  # the same message, edited in place
        assert f"✓ Câu {n}: đã ghi nhận A" in shown.shown
    an.send_text("1500")
    await tg.wait_for_text(UID, "Số câu đúng", timeout=15)

    assert tg.too_many == 0
    # /thi, ten answers and the prediction: 12 messages for 11 answers.
    assert _messages_sent(tg) - before == 12
    assert len(tg.calls("answerCallbackQuery")) >= 10
    tg.assert_no_violations()
