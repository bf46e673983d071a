"""A participant's data rights through the Telegram channel: /dulieu shows what is stored and
sends it as a workbook; /xoadulieu asks once, and the button erases."""

from __future__ import annotations

import io

from aiogram.methods import SendDocument
from openpyxl import load_workbook

from bot.app import App
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession
from tests.telegram.test_quiz_in_telegram import register


async def test_du_lieu_shows_the_details_and_sends_them_as_a_workbook(
    tg_user: TgUser, session: RecordingSession
) -> None:
    await register(tg_user)
    await tg_user.send("/dulieu")

    shown = "\n".join(m.text or "" for m in tg_user.bot_messages()[-3:])
    assert "<b>Dữ liệu của tôi</b>" in shown
    assert "Họ và tên: Nguyễn Văn An" in shown
    assert "Số điện thoại: 0912345678 (đã xác thực qua Telegram)" in shown
    (sent,) = session.of(SendDocument)
    assert sent.chat_id == tg_user.id
    assert sent.document.filename == "du-lieu-cua-toi.xlsx"
    assert sent.caption == "Dữ liệu của tôi"
    book = load_workbook(io.BytesIO(sent.document.data), read_only=True)
    try:
        cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
    finally:
        book.close()
    assert "Nguyễn Văn An" in cells


async def test_xoa_du_lieu_asks_once_and_the_button_erases(tg_user: TgUser, app: App) -> None:
    await register(tg_user)
    await tg_user.send("/xoadulieu")
    assert "Rút lại sự đồng ý và xoá dữ liệu" in tg_user.last_text()
    assert "Việc này không hoàn tác được" in tg_user.last_text()

    await tg_user.tap("🗑 Xoá dữ liệu của tôi")

    assert "Đã rút lại sự đồng ý và xoá dữ liệu của bạn" in tg_user.last_text()
    assert await app.svc.participants.by_account("telegram", str(tg_user.id)) is None
    await tg_user.send("/dulieu")
    assert "cuộc thi không lưu thông tin nào về bạn" in tg_user.last_text()
