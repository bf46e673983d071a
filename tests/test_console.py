"""The console channel (`quizbot chat`): typed as on Zalo, with Zalo's wording, since nothing
there can be tapped: a number picks an option shown, letters answer the question showing."""

from __future__ import annotations

import io

from bot.app import App
from bot.channels.console import run_console
from tests.support.pictures import use_pictured_bank


async def chat(app: App, *lines: str) -> str:
    """Type `lines` into the console, one by one; everything it printed."""
    typed = iter(lines)
    out = io.StringIO()
    await run_console(
        app.engine, read=lambda: next(typed, ""), out=out, sweep_every=3600, name="An"
    )
    return out.getvalue()


REGISTER = ("/start", "1", "Nguyễn Văn An", "0912345678", "1990", "5")


async def test_the_number_of_an_option_shown_picks_it_even_after_a_refused_unit(
    app: App,
) -> None:
    said = await chat(app, *REGISTER, "x", "1", "1", "1")
    assert "[1] Người dân" in said
    assert "Tên cơ quan, đơn vị cần từ 2 đến 200 ký tự" in said
    assert "Đăng ký thành công" in said
    person = await app.svc.participants.by_account("console", "local")
    assert person is not None
    assert person.unit == "Người dân"


async def test_the_console_reads_zalos_wording_and_takes_commands_typed_plainly(
    app: App,
) -> None:
    said = await chat(app, *REGISTER, "1", "1", "1", "thi", "bắt đầu", "B")
    assert "bạn gõ số, ví dụ: 0912345678" in said
    assert 'Gõ "thi" khi bạn sẵn sàng.' in said
    assert "Câu 1/10" in said
    assert "Câu hỏi vẫn đang chờ bạn trả lời: gõ A, B, C hoặc D." in said  # after "bắt đầu"
    assert "Đã ghi nhận" in said
    assert "Câu 2/10" in said
    assert "bấm" not in said.lower()
    assert "nút" not in said.lower()


async def test_a_question_with_a_picture_says_so_in_the_console(app: App) -> None:
    await use_pictured_bank(app)
    said = await chat(app, *REGISTER, "1", "1", "1", "thi")
    shown = said[said.index("Câu 1/10") - 200 : said.index("Câu 1/10")]
    assert "[ảnh kèm câu hỏi: /anh/" in shown


async def test_the_console_shows_the_data_stored_and_erases_it_as_zalo_does(app: App) -> None:
    said = await chat(app, *REGISTER, "1", "1", "1", "du lieu", "xoa du lieu", "1", "du lieu")
    assert "Họ và tên: Nguyễn Văn An" in said
    assert "Tệp Excel" not in said
    assert "Đã rút lại sự đồng ý và xoá dữ liệu của bạn" in said
    assert await app.svc.participants.by_account("console", "local") is None
    assert said.rstrip().endswith("không lưu thông tin nào về bạn.")
