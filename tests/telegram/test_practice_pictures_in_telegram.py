"""Practice questions with a picture on Telegram. The verdict is read before going on: it
takes the answered photo's caption (the picture stays, no media edit), and the next question
comes as a photo of its own. An explanation too long for a caption: the photo loses its
buttons and the verdict comes as a message of its own."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageMedia,
    EditMessageReplyMarkup,
    SendMessage,
    SendPhoto,
)

from bot.app import App
from bot.config import Settings
from tests.support.lists import contest_with
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession
from tests.telegram.test_quiz_in_telegram import register

PNG = b"\x89PNG\r\n\x1a\n" + b"\x09" * 40
OTHER = b"\x89PNG\r\n\x1a\n" + b"\x0a" * 40
WHY = "Ứng dụng VNeID là ứng dụng định danh điện tử quốc gia. " * 14


LONG = (
    "questions:\n"
    "  - text: Biểu tượng trong ảnh là của ứng dụng nào mà người dân dùng để đăng nhập Cổng "
    "Dịch vụ công quốc gia, xuất trình giấy tờ thay thẻ căn cước và làm thủ tục trực tuyến?\n"
    "    options: [VNeID, VssID]\n"
    "    answer: A\n"
    "    image: images/vneid.png\n"
    f'    explanation: "{WHY.strip()}"\n'
)
TWO_SHORT = (
    "questions:\n"
    "  - text: Biểu tượng trong ảnh là của ứng dụng nào?\n"
    "    options: [VNeID, VssID]\n"
    "    answer: A\n"
    "    image: images/vneid.png\n"
    "    explanation: Ứng dụng định danh điện tử quốc gia.\n"
    "  - text: Ứng dụng trong ảnh dùng để làm gì?\n"
    "    options: [Tra cứu bảo hiểm xã hội, Nộp thuế]\n"
    "    answer: A\n"
    "    image: images/vssid.png\n"
    "    explanation: VssID là ứng dụng Bảo hiểm xã hội số.\n"
)


@pytest.fixture
def practice_yaml() -> str:
    return LONG


@pytest.fixture
def settings(settings: Settings, tmp_path: Path, practice_yaml: str) -> Settings:
    folder = tmp_path / "thi-thu"
    (folder / "images").mkdir(parents=True)
    (folder / "images" / "vneid.png").write_bytes(PNG)
    (folder / "images" / "vssid.png").write_bytes(OTHER)
    bank = folder / "thi-thu.yaml"
    bank.write_text(practice_yaml, "utf-8")
    return settings.model_copy(update={"contest_file": contest_with(tmp_path, practice_bank=bank)})


async def test_a_long_verdict_comes_as_a_message_and_the_photo_loses_its_buttons(
    app: App, tg_user: TgUser, session: RecordingSession
) -> None:
    await register(tg_user)
    await tg_user.send("/thithu")
    (photo,) = session.of(SendPhoto)
    assert photo.caption.startswith("🎯 <b>Thi thử · Câu 1/1</b>")

    before = len(session.calls)
    token = photo.reply_markup.inline_keyboard[0][0].callback_data
    await tg_user.tap_data(session.message_id_of(photo), token)
    ack, unbuttoned, verdict, summary = session.calls[before:]
    assert isinstance(ack, AnswerCallbackQuery)
    assert isinstance(unbuttoned, EditMessageReplyMarkup)
    assert unbuttoned.message_id == session.message_id_of(photo)
    assert unbuttoned.reply_markup is None
    assert isinstance(verdict, SendMessage)
    assert "✅ Đúng!" in verdict.text or "❌ Chưa đúng" in verdict.text
    assert f"💡 {WHY.strip()[:60]}" in verdict.text
    assert isinstance(summary, SendMessage)
    assert summary.text.startswith("🎯 <b>Xong bài thi thử</b>: bạn trả lời đúng")


@pytest.mark.parametrize("practice_yaml", [TWO_SHORT])
async def test_the_verdict_keeps_its_photo_and_the_next_picture_comes_below(
    tg_user: TgUser, session: RecordingSession
) -> None:
    await register(tg_user)
    await tg_user.send("/thithu")
    (first,) = session.of(SendPhoto)
    assert first.caption.startswith("🎯 <b>Thi thử · Câu 1/2</b>")

    before = len(session.calls)
    await tg_user.tap_data(
        session.message_id_of(first), first.reply_markup.inline_keyboard[0][0].callback_data
    )
    ack, verdict, following = session.calls[before:]
    assert isinstance(ack, AnswerCallbackQuery)
    assert isinstance(verdict, EditMessageCaption)
    assert verdict.message_id == session.message_id_of(first)
    assert "Bạn đã chọn: <b>A.</b>" in (verdict.caption or "")
    assert "💡 " in (verdict.caption or "")
    assert verdict.reply_markup is None
    assert isinstance(following, SendPhoto)
    assert following.caption.startswith("🎯 <b>Thi thử · Câu 2/2</b>")
    assert {session.picture(first), session.picture(following)} == {PNG, OTHER}

    before = len(session.calls)
    await tg_user.tap_data(
        session.message_id_of(following), following.reply_markup.inline_keyboard[0][1].callback_data
    )
    ack, verdict, summary = session.calls[before:]
    assert isinstance(verdict, EditMessageCaption)
    assert verdict.message_id == session.message_id_of(following)
    assert "Bạn đã chọn: <b>B.</b>" in (verdict.caption or "")
    assert isinstance(summary, SendMessage)
    assert summary.text.startswith("🎯 <b>Xong bài thi thử</b>: bạn trả lời đúng")
    assert session.of(EditMessageMedia) == []  # a verdict never changes the picture it is on
