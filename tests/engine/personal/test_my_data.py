"""/dulieu, "Dữ liệu của tôi": everything stored about the participant, from any of their
accounts; the phones in full, since only the entry's own accounts reach it; on Telegram also
an Excel file. Nothing about anyone else."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from bot.app import App
from bot.clock import ManualClock
from handlers.events import Document
from handlers.rounds import reconcile
from tests.conftest import vn
from tests.engine.identity.linking import link
from tests.support.client import Person


async def _an_who_won(app: App, clock: ManualClock) -> tuple[Person, Person]:
    """An: came from the web page, corrected the phone before the first attempt (two phones),
    linked a Zalo account, won the first prize of 2023-Q1; and Cường, who typed An's verified
    phone on Zalo and is held for it."""
    an = Person.on(app, "telegram", "1", "An")
    await an.send("/start web")
    await an.register(name="Nguyễn Văn An", phone="0912000111", unit="Sở Tư pháp", typed_phone=True)
    await an.send("/dangky")
    await an.tap("✏️ Sửa")
    await an.tap("Số điện thoại")
    await an.share_contact("0912345678")
    await an.tap("✅ Xác nhận")
    await an.take_attempt(correct=9, prediction=2)
    on_zalo = Person.on(app, "zalo", "z1", "An Zalo")
    await link(an, on_zalo)
    cuong = Person.on(app, "zalo", "z9", "Cường")
    await cuong.register(name="Lê Văn Cường", phone="0912345678", typed_phone=True)
    await cuong.take_attempt(correct=3)
    clock.set(vn(2023, 3, 31, 0, 0, 1))
    await reconcile(app.svc)
    return an, cuong


async def test_the_participant_sees_everything_stored_about_them(
    app: App, clock: ManualClock
) -> None:
    an, _ = await _an_who_won(app, clock)

    await an.send("/dulieu")
    said = an.said
    for shown in (
        "Dữ liệu của tôi",
        "Họ và tên: Nguyễn Văn An",
        "Số điện thoại: 0912345678 (đã xác thực qua Telegram)",
        "Năm sinh: 1990",
        "Địa bàn: Hoa Lư",
        "Đơn vị: Sở Tư pháp",
        "Nguồn đăng ký: web",
        "Đăng ký lúc 08:00 ngày 20/02/2023",
        "• Telegram: mã người dùng 1, tên hiển thị «An», từ 08:00 ngày 20/02/2023",
        "• Zalo: mã người dùng z1, tên hiển thị «An Zalo»",
        "• 0912000111 (gõ tay): từ 08:00 ngày 20/02/2023 đến 08:00 ngày 20/02/2023",
        "• 0912345678 (đã xác thực qua Telegram): từ 08:00 ngày 20/02/2023 đến nay",
        "Phiên bản 2023.1, đồng ý lúc 08:00 ngày 20/02/2023. Đây là phiên bản đang áp dụng.",
        "• Giải Nhất Quý 1 (hạng 1), lưu với thông tin lúc đóng đợt: Nguyễn Văn An, "
        "0912345678, năm sinh 1990, Hoa Lư, Sở Tư pháp",
        "Lượt thi Quý 1",
        "Lượt 1, qua Telegram: bắt đầu 08:00 ngày 20/02/2023",
        "9/10 câu đúng, thời gian 0 giây, dự đoán 2",
        "/xoadulieu",
    ):
        assert shown in said, shown
    answers = [line for line in said.splitlines() if " → " in line]
    assert len(answers) == 10
    assert answers[0].startswith("1. ")
    assert "đúng" not in "\n".join(answers)  # which answers were right is never said

    (file,) = [r for r in an.replies if isinstance(r, Document)]
    assert file.filename == "du-lieu-cua-toi.xlsx"
    book = load_workbook(io.BytesIO(file.data))
    assert book.sheetnames == [
        "Thông tin",
        "Tài khoản",
        "Số điện thoại",
        "Lượt thi",
        "Câu trả lời",
        "Giải thưởng",
    ]
    info = {row[0]: row[1] for row in book["Thông tin"].iter_rows(min_row=2, values_only=True)}
    assert info["Họ và tên"] == "Nguyễn Văn An"
    assert info["Số điện thoại"] == "0912345678"
    assert info["Phiên bản nội dung đồng ý xử lý dữ liệu"] == "2023.1"
    assert [r[0] for r in book["Tài khoản"].iter_rows(min_row=2, values_only=True)] == [
        "telegram",
        "zalo",
    ]
    answered = list(book["Câu trả lời"].iter_rows(min_row=2, values_only=True))
    assert len(answered) == 10
    assert all(len(str(row[3])) > 20 and row[4] for row in answered)
    (prize,) = book["Giải thưởng"].iter_rows(min_row=2, values_only=True)
    assert prize[:5] == ("Quý 1", "Giải Nhất", 1, "Nguyễn Văn An", "0912345678")


async def test_nothing_about_anyone_else_is_shown(app: App, clock: ManualClock) -> None:
    an, cuong = await _an_who_won(app, clock)

    await cuong.send("/dulieu")
    said = cuong.said
    assert "Họ và tên: Lê Văn Cường" in said
    assert "Số điện thoại: 0912345678 (gõ tay)" in said  # the phone he typed himself
    assert "Nguyễn Văn An" not in said
    assert "tạm giữ" not in said
    assert "xác thực" not in said
    assert not [r for r in cuong.replies if isinstance(r, Document)]  # no file on Zalo

    await an.send("/dulieu")
    assert "Cường" not in an.said


async def test_from_a_linked_zalo_account_the_same_data_shows_without_a_file(
    app: App, clock: ManualClock
) -> None:
    await _an_who_won(app, clock)
    on_zalo = Person.on(app, "zalo", "z1", "An Zalo")

    await on_zalo.send("/dulieu")
    assert "Họ và tên: Nguyễn Văn An" in on_zalo.said
    assert "Giải Nhất Quý 1" in on_zalo.said
    assert "Tệp Excel" not in on_zalo.said
    assert not [r for r in on_zalo.replies if isinstance(r, Document)]


async def test_someone_not_registered_is_told_nothing_is_stored(app: App) -> None:
    newcomer = Person.on(app, "telegram", "55", "Mới")
    await newcomer.send("/dulieu")
    assert "chưa đăng ký dự thi nên cuộc thi không lưu thông tin nào về bạn." in newcomer.said
    await newcomer.send("/dangky")
    await newcomer.send("Phan Văn Mới")
    await newcomer.send("/dulieu")
    assert "ngoài bản nháp đăng ký bạn đang làm dở" in newcomer.said
