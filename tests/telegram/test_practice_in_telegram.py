"""Practice in Telegram: a tap is acknowledged, the question is edited into the verdict with
the explanation, the next question follows; a second tap changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup

from bot.app import App
from bot.config import Settings
from questions.model import LETTERS
from tests.support.lists import contest_with
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession
from tests.telegram.test_quiz_in_telegram import register

PRACTICE_BANK = Path(__file__).resolve().parents[1] / "data" / "banks" / "thi-thu.yaml"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    contest = contest_with(tmp_path, practice_bank=PRACTICE_BANK)
    return settings.model_copy(update={"contest_file": contest})


async def test_a_practice_answer_is_edited_into_right_or_wrong_with_the_explanation(
    app: App, tg_user: TgUser, session: RecordingSession
) -> None:
    await register(tg_user)
    await tg_user.send("/thithu")
    question = tg_user.bot_messages()[-1]
    assert isinstance(question, SendMessage)
    assert question.text.startswith("🎯 <b>Thi thử · Câu 1/4</b>")
    assert "còn" not in question.text  # no time limit
    assert isinstance(question.reply_markup, InlineKeyboardMarkup)
    buttons = question.reply_markup.inline_keyboard[0]
    assert all(len((b.callback_data or "").encode()) <= 64 for b in buttons)

    person = await app.svc.participants.by_account("telegram", "1001")
    assert person is not None
    assert person.id is not None
    live = await app.svc.practice.get(person.id)
    assert live is not None
    q = (await app.svc.pool.get_many([live.question_ids[0]]))[live.question_ids[0]]
    right = LETTERS[live.orders[0].index(q.correct)]

    before = len(session.calls)
    await tg_user.tap(right)
    calls = session.calls[before:]
    assert isinstance(calls[0], AnswerCallbackQuery)
    assert calls[0].text == "Đã ghi nhận"
    assert isinstance(calls[1], EditMessageText)
    assert calls[1].message_id == session.message_id_of(question)
    assert f"Bạn đã chọn: <b>{right}.</b> {q.options[q.correct]}\n✅ Đúng!" in calls[1].text
    if q.explanation:
        assert f"💡 {q.explanation}" in calls[1].text
    assert calls[1].reply_markup is None
    assert isinstance(calls[2], SendMessage)
    assert calls[2].text.startswith("🎯 <b>Thi thử · Câu 2/4</b>")

    again = len(session.calls)
    await tg_user.tap_data(session.message_id_of(question), buttons[0].callback_data or "")
    (ack,) = session.calls[again:]
    assert isinstance(ack, AnswerCallbackQuery)
    assert ack.text == "Câu này bạn đã trả lời rồi."
    after = await app.svc.practice.get(person.id)
    assert after is not None
    assert after.next_index == 1
