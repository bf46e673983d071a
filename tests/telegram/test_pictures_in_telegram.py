"""A question with a picture in Telegram: the photo with the question as its caption and the
answer buttons under it; the answer edits the caption in place (the photo stays); each picture
is uploaded once, then sent by Telegram's id. Every call is checked against the Bot API."""

from __future__ import annotations

from typing import Any

from aiogram.client.default import Default
from aiogram.methods import AnswerCallbackQuery, EditMessageCaption, SendPhoto
from aiogram.types import BufferedInputFile
from pydantic import BaseModel

from bot.app import App
from tests.fake_telegram.spec import BotApiSpec
from tests.support.pictures import use_pictured_bank
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession
from tests.telegram.test_quiz_in_telegram import register


def _wire(call: Any) -> dict[str, Any]:
    """The call's parameters as sent: those set (a default left to the bot is not sent), an
    uploaded file standing as a file part's name, the markup as JSON text."""
    params: dict[str, Any] = {}
    for name in type(call).model_fields:
        value = getattr(call, name)
        if value is None or isinstance(value, Default):
            continue
        if isinstance(value, BufferedInputFile):
            value = "file-part"
        elif isinstance(value, BaseModel):
            value = value.model_dump_json(exclude_none=True)
        params[name] = value
    return params


async def test_a_picture_question_is_a_photo_whose_caption_is_edited_by_the_answer(
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
    assert [b.text for b in first.reply_markup.inline_keyboard[0]] == ["A", "B", "C", "D"]
    assert isinstance(first.photo, BufferedInputFile)
    assert spec.check("sendPhoto", _wire(first)) == []

    before = len(session.calls)
    token = first.reply_markup.inline_keyboard[0][1].callback_data
    await tg_user.tap_data(session.message_id_of(first), token)
    ack, edit, following = session.calls[before:]
    assert isinstance(ack, AnswerCallbackQuery)
    assert ack.text == "Đã ghi nhận"
    assert isinstance(edit, EditMessageCaption)
    assert edit.message_id == session.message_id_of(first)
    assert "Bạn đã chọn: <b>B.</b>" in (edit.caption or "")
    assert edit.reply_markup is None
    assert spec.check("editMessageCaption", _wire(edit)) == []
    assert isinstance(following, SendPhoto)
    assert following.caption.startswith("<b>Câu 2/10</b>")

    for _ in range(9):
        shown = session.of(SendPhoto)[-1]
        token = shown.reply_markup.inline_keyboard[0][0].callback_data
        await tg_user.tap_data(session.message_id_of(shown), token)
    photos = session.of(SendPhoto)
    assert len(photos) == 10
    uploads = [
        p.photo.filename
        for p in photos
        if isinstance(p, SendPhoto) and not isinstance(p.photo, str)
    ]
    assert len(uploads) == len(set(uploads)) <= 3  # each picture uploaded once at most
    assert all(spec.check("sendPhoto", _wire(p)) == [] for p in photos)
    assert "Câu hỏi dự đoán" in tg_user.last_text()
