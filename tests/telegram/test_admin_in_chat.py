"""Organisers in Telegram: the panel, uploading a bank, closing a round, the results file."""

from __future__ import annotations

import io

from aiogram.methods import SendDocument
from openpyxl import load_workbook

from bot.app import App
from bot.broadcast import Broadcaster
from bot.channels.telegram.channel import TelegramChannel
from questions import Bank, Question, write_bank_bytes
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession
from tests.telegram.test_quiz_in_telegram import register


def bank_bytes(n: int, *, bad_row: bool = False) -> bytes:
    questions = [
        Question(
            text=f"Câu hỏi thử số {i}?",
            options=(
                f"Phương án một {i}",
                f"Phương án hai {i}",
                f"Phương án ba {i}",
                f"Phương án bốn {i}",
            ),
            correct=i % 4,
            source="Tài liệu thử",
        )
        for i in range(1, n + 1)
    ]
    data = write_bank_bytes(Bank(name="thu", title="Thử", questions=questions), "thu.csv")
    if bad_row:
        data = data.replace("Phương án hai 3".encode(), "Phương án một 3".encode())
    return data


async def test_admin_commands_from_a_participant_answer_as_unknown_commands(
    tg_user: TgUser, app: App
) -> None:
    await tg_user.send("/admin")
    assert "Không có lệnh này" in tg_user.last_text()
    await tg_user.send_document("thu.csv", bank_bytes(12))
    assert "chỉ nhận tin nhắn chữ" in tg_user.last_text()
    await tg_user.tap_data(1, "adm:bank:go")
    assert (await app.svc.questions.active_bank() or ("", 0, 0))[1] == 100


async def test_the_panel_shows_live_figures(tg_user: TgUser, tg_admin: TgUser) -> None:
    await register(tg_user)
    await tg_admin.send("/admin")
    panel = tg_admin.last_text()
    assert "Người đã đăng ký: <b>1</b>" in panel
    assert "Hoa Lư: 1" in panel
    assert "Đợt đang mở: Quý 1" in panel


async def test_a_bank_with_a_bad_row_lists_the_row_and_imports_nothing(
    tg_admin: TgUser, app: App
) -> None:
    await tg_admin.send_document("thu.csv", bank_bytes(12, bad_row=True))
    said = tg_admin.last_text()
    assert "chưa nhập câu nào" in said
    assert "thu.csv, dòng 4" in said
    assert (await app.svc.questions.active_bank() or ("", 0, 0))[1] == 100


async def test_an_uploaded_bank_replaces_the_active_one_after_confirmation(
    tg_admin: TgUser, app: App
) -> None:
    await tg_admin.send_document("thu.csv", bank_bytes(12))
    assert "12 câu hỏi" in tg_admin.last_text()
    assert (await app.svc.questions.active_bank() or ("", 0, 0))[1] == 100
    await tg_admin.tap("✅ Thay ngân hàng")
    assert "Đã thay ngân hàng câu hỏi: 12 câu" in tg_admin.last_text()
    assert (await app.svc.questions.active_bank() or ("", 0, 0))[1] == 12
    entries = await app.svc.audit.recent()
    assert entries[0].action == "questions.import"
    assert entries[0].actor == "telegram:9000"


async def test_closing_then_approving_in_chat_sends_the_full_results_file(
    tg_user: TgUser,
    tg_admin: TgUser,
    session: RecordingSession,
    channel: TelegramChannel,
    app: App,
) -> None:
    await register(tg_user)
    await tg_user.send("/thi")
    for _ in range(10):
        await tg_user.tap("A")
    await tg_user.send("3")
    await tg_admin.send("/admin")
    await tg_admin.tap("🔒 Đóng đợt thi")
    await tg_admin.tap("Quý 1")
    assert "Đóng <b>Quý 1</b> ngay bây giờ?" in tg_admin.last_text()
    await tg_admin.tap("✅ Đồng ý")
    assert "Kết quả chưa công bố" in tg_admin.last_text()
    await tg_admin.send("/admin")
    await tg_admin.tap("⚖️ Xét duyệt kết quả")
    await tg_admin.tap("Quý 1")
    await tg_admin.tap("✅ Phê duyệt kết quả")
    await tg_admin.tap("✅ Phê duyệt và công bố")
    assert "Đã phê duyệt kết quả Quý 1." in tg_admin.last_text()
    # The workbook goes to the organisers as a delivery, as the calendar's approval sends it.
    await Broadcaster(app.svc, {"telegram": channel}, rates={"telegram": 25}).run_once()
    doc, certificates = session.of(SendDocument)
    assert certificates.document.filename == "giay-chung-nhan-2023-Q1.zip"  # type: ignore[union-attr]
    assert doc.chat_id == 9000
    data = doc.document.data  # type: ignore[union-attr]
    sheet = load_workbook(io.BytesIO(data))["Xếp hạng"]
    row = [c.value for c in sheet[2]]
    assert row[1] == "Nguyễn Văn An"
    assert row[2] == "0912345678"
    rnd = await app.svc.rounds.get("2023-Q1")
    assert rnd is not None
    assert rnd.status == "closed"
