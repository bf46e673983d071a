"""Answer review in Telegram: a button under /diem once the round is decided, the review sent
as new messages within Telegram's limits, every tap answered."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import InlineKeyboardMarkup

from bot.app import App
from bot.clock import ManualClock
from tests.conftest import vn
from tests.support.review import decide, next_quarter_bank, use_explained_bank
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession
from tests.telegram.test_quiz_in_telegram import register


async def test_xem_dap_an_appears_under_diem_once_the_round_is_closed(
    app: App, tg_user: TgUser, session: RecordingSession, clock: ManualClock
) -> None:
    await use_explained_bank(app)
    await register(tg_user)
    await tg_user.send("/thi")
    for _ in range(10):
        await tg_user.tap("A")
    await tg_user.send("300")
    await tg_user.send("/diem")
    during = tg_user.bot_messages()[-1]
    assert during.reply_markup is None

    clock.set(vn(2023, 4, 2, 8, 0))
    await decide(app)
    await next_quarter_bank(app)
    await tg_user.send("/diem")
    scores = tg_user.bot_messages()[-1]
    assert isinstance(scores.reply_markup, InlineKeyboardMarkup)
    (button,) = scores.reply_markup.inline_keyboard[0]
    assert (button.text, button.callback_data) == ("📖 Xem đáp án Quý 1", "rv:2023-Q1")

    before = len(session.calls)
    await tg_user.tap("📖 Xem đáp án Quý 1")
    calls = session.calls[before:]
    assert isinstance(calls[0], AnswerCallbackQuery)
    sent = [c for c in calls if isinstance(c, SendMessage)]
    assert sent[0].text.startswith("📖 <b>Đáp án Quý 1</b>\nBài thi được tính của bạn: ")
    assert "Đáp án đúng: <b>" in sent[0].text
    assert all(len(m.text) <= 4096 for m in sent)
    assert sum(m.text.count("\n<b>Câu ") + m.text.startswith("<b>Câu ") for m in sent) == 10
