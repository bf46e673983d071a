"""A question with a picture in Telegram: the photo with the question as its caption and the
answer buttons under it. Each answer turns the question into the next one in place, one
message per answer: a photo or a text becomes the next photo (editMessageMedia), a text the
next text; only a photo followed by a text keeps its picture, confirms the answer in its
caption and lets the text come below. Each picture is uploaded once, then sent by Telegram's
id. Every call is checked against the Bot API."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
    SendPhoto,
)
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup

from bot.app import App
from tests.fake_telegram.spec import BotApiSpec
from tests.support.pictures import (
    PICTURES,
    attempt_of,
    pictured_questions,
    pictures_in_order,
    use_mixed_bank,
    use_pictured_bank,
)
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession
from tests.telegram.test_quiz_in_telegram import register

ANSWERS = ["A", "B", "C", "D"]


def _labels(markup: Any) -> list[str]:
    assert isinstance(markup, InlineKeyboardMarkup)
    return [b.text for row in markup.inline_keyboard for b in row]


async def test_each_answer_turns_the_photo_into_the_next_question_with_its_own_picture(
    app: App, tg_user: TgUser, session: RecordingSession
) -> None:
    spec = BotApiSpec.load()
    await use_pictured_bank(app)
    await register(tg_user)

    await tg_user.send("/thi")
    (first,) = session.of(SendPhoto)
    # The attempt's introduction and the first question come as one message.
    assert first.caption.startswith("<b>Quý 1</b> — lượt thi của bạn bắt đầu")
    assert "\n\n<b>Câu 1/10</b> · ⏱ còn 10:00" in first.caption
    assert "biểu tượng trong ảnh là của ứng dụng nào?" in first.caption
    assert _labels(first.reply_markup) == ANSWERS
    assert isinstance(first.photo, BufferedInputFile)
    assert spec.check("sendPhoto", session.sent(first)) == []
    pictures = await pictures_in_order(app, "telegram", str(tg_user.id))
    assert session.picture(first) == pictures[0]

    question = session.message_id_of(first)
    before = len(session.calls)
    await tg_user.tap_data(question, first.reply_markup.inline_keyboard[0][1].callback_data)
    ack, edit = session.calls[before:]
    assert isinstance(ack, AnswerCallbackQuery)
    assert ack.text == "Đã ghi nhận"
    # The same message is now question 2: its picture, its caption headed by the answer.
    assert isinstance(edit, EditMessageMedia)
    assert edit.message_id == question
    assert session.picture(edit) == pictures[1]
    assert edit.media.caption.startswith("✓ Câu 1: đã ghi nhận <b>B</b>\n\n<b>Câu 2/10</b>")
    assert _labels(edit.reply_markup) == ANSWERS
    assert spec.check("editMessageMedia", session.sent(edit)) == []

    for n in range(2, 10):
        shown = session.of(EditMessageMedia)[-1]
        before = len(session.calls)
        await tg_user.tap_data(question, shown.reply_markup.inline_keyboard[0][0].callback_data)
        ack, edit = session.calls[before:]
        assert isinstance(edit, EditMessageMedia)
        assert edit.message_id == question
        assert session.picture(edit) == pictures[n]
        assert edit.media.caption.startswith(
            f"✓ Câu {n}: đã ghi nhận <b>A</b>\n\n<b>Câu {n + 1}/10"
        )
        assert spec.check("editMessageMedia", session.sent(edit)) == []

    # After the last picture comes the prediction, a text: a photo cannot become one, so the
    # photo keeps its picture, confirms the answer, and the prediction comes below.
    shown = session.of(EditMessageMedia)[-1]
    before = len(session.calls)
    await tg_user.tap_data(question, shown.reply_markup.inline_keyboard[0][2].callback_data)
    ack, confirmed, prediction = session.calls[before:]
    assert isinstance(confirmed, EditMessageCaption)
    assert confirmed.message_id == question
    assert "Bạn đã chọn: <b>C.</b>" in (confirmed.caption or "")
    assert confirmed.reply_markup is None
    assert isinstance(prediction, SendMessage)
    assert "Câu hỏi dự đoán" in prediction.text

    assert len(session.of(SendPhoto)) == 1  # ten pictured questions, one photo message
    uploads = [
        c
        for c in session.calls
        if isinstance(c, SendPhoto | EditMessageMedia)
        and isinstance(c.photo if isinstance(c, SendPhoto) else c.media.media, BufferedInputFile)
    ]
    # Each of the pictures uploaded once, then sent by the id Telegram gave it.
    assert len(uploads) == len({session.picture(c) for c in uploads}) == len(set(pictures))


async def test_a_round_mixing_pictures_and_text_costs_one_message_per_answer(
    app: App, tg_user: TgUser, session: RecordingSession
) -> None:
    spec = BotApiSpec.load()
    await use_mixed_bank(app)
    await register(tg_user)
    await tg_user.send("/thi")
    pictures = await pictures_in_order(app, "telegram", str(tg_user.id))
    seen: set[tuple[bool, bool]] = set()

    current = session.calls[-1]
    assert isinstance(current, SendPhoto if pictures[0] else SendMessage)
    question = session.message_id_of(current)
    for n in range(1, 10):
        token = current.reply_markup.inline_keyboard[0][3].callback_data
        before = len(session.calls)
        await tg_user.tap_data(question, token)
        calls = session.calls[before:]
        assert isinstance(calls[0], AnswerCallbackQuery)
        header = f"✓ Câu {n}: đã ghi nhận <b>D</b>\n\n<b>Câu {n + 1}/10</b>"
        had, has = pictures[n - 1] is not None, pictures[n] is not None
        seen.add((had, has))
        if has:  # text → photo, photo → photo: the question becomes the next photo
            (edit,) = calls[1:]
            assert isinstance(edit, EditMessageMedia)
            assert session.picture(edit) == pictures[n]
            assert edit.media.caption.startswith(header)
            assert spec.check("editMessageMedia", session.sent(edit)) == []
        elif not had:  # text → text: the question becomes the next text
            (edit,) = calls[1:]
            assert isinstance(edit, EditMessageText)
            assert edit.text.startswith(header)
        else:  # photo → text: the photo confirms the answer, the next text comes below
            confirmed, edit = calls[1:]
            assert isinstance(confirmed, EditMessageCaption)
            assert confirmed.message_id == question
            assert "Bạn đã chọn: <b>D.</b>" in (confirmed.caption or "")
            assert isinstance(edit, SendMessage)
            assert edit.text.startswith(f"<b>Câu {n + 1}/10</b>")
            question = session.message_id_of(edit)
        assert _labels(edit.reply_markup) == ANSWERS
        current = edit
    # The round draws every kind of step from one question to the next.
    assert seen == {(False, True), (True, True), (False, False), (True, False)}


async def test_a_second_tap_on_the_question_answered_counts_once(
    app: App, tg_user: TgUser, session: RecordingSession
) -> None:
    await use_pictured_bank(app)
    await register(tg_user)
    await tg_user.send("/thi")
    (first,) = session.of(SendPhoto)
    question = session.message_id_of(first)
    token = first.reply_markup.inline_keyboard[0][0].callback_data
    await tg_user.tap_data(question, token)

    before = len(session.calls)
    await tg_user.tap_data(question, token)  # the old button, tapped again before the edit shows
    (ack,) = session.calls[before:]
    assert isinstance(ack, AnswerCallbackQuery)
    assert ack.text == "Câu này bạn đã trả lời rồi."
    live = await attempt_of(app, "telegram", str(tg_user.id))
    assert list(live.answers) == [0]
    assert live.next_index == 1


async def test_a_next_question_too_long_for_a_caption_comes_as_its_photo_then_its_text(
    app: App, tg_user: TgUser, session: RecordingSession
) -> None:
    long = [
        replace(q, text=q.text + " " + "Đọc kỹ đoạn mô tả ứng dụng trước khi chọn. " * 22)
        for q in pictured_questions()
    ]
    await app.svc.questions.replace_active("dai", long, app.svc.clock.now(), dict(PICTURES))
    await register(tg_user)
    await tg_user.send("/thi")
    pictures = await pictures_in_order(app, "telegram", str(tg_user.id))
    photo, text = session.calls[-2:]
    assert isinstance(photo, SendPhoto)
    assert photo.caption is None
    assert isinstance(text, SendMessage)
    assert len(text.text) > 1024

    before = len(session.calls)
    await tg_user.tap_data(
        session.message_id_of(text), text.reply_markup.inline_keyboard[0][0].callback_data
    )
    ack, unbuttoned, next_photo, next_text = session.calls[before:]
    assert isinstance(ack, AnswerCallbackQuery)
    # The question answered stays as it was, without its buttons; the next one comes below.
    assert isinstance(unbuttoned, EditMessageReplyMarkup)
    assert unbuttoned.message_id == session.message_id_of(text)
    assert unbuttoned.reply_markup is None
    assert isinstance(next_photo, SendPhoto)
    assert session.picture(next_photo) == pictures[1]
    assert next_photo.caption is None
    assert isinstance(next_text, SendMessage)
    assert next_text.text.startswith("✓ Câu 1: đã ghi nhận <b>A</b>\n\n<b>Câu 2/10</b>")
    assert _labels(next_text.reply_markup) == ANSWERS
