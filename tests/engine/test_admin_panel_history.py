"""The organisers' panel in words: what each recent broadcast was, and the bank template.

A scheduled announcement has a key ("open:2023-Q1") and perhaps no recipients at all; the
panel names its kind, its audience and its counts instead of "#1: đã gửi 0…". The prompt for a
new question bank comes with the template file the command line writes, and that file, filled
in, is accepted.
"""

from __future__ import annotations

import io

import openpyxl
import pytest

from bot.app import App
from handlers.events import Document, Message, Upload
from handlers.texts import plain
from storage.repos.audiences import absent, in_round
from tests.support.client import Person

ORGANISER = "telegram:9000"


@pytest.fixture
def organiser(app: App) -> Person:
    app.svc.admins = frozenset({ORGANISER})
    return Person.on(app, "telegram", "9000", "Ban Tổ chức")


async def recent_broadcasts(organiser: Person) -> list[str]:
    await organiser.send("/admin")
    panel = organiser.said
    # The list ends at the panel's next paragraph (the sample bank's warning, for one).
    return panel.split("Thông báo gần đây\n", 1)[1].split("\n\n", 1)[0].splitlines()


async def test_the_panel_says_what_each_broadcast_was_to_whom_and_how_far_it_got(
    app: App, organiser: Person
) -> None:
    svc = app.svc
    # Announced by the calendar before anyone registered: nobody to send it to.
    opened, _ = await svc.broadcasts.create(
        "📢 <b>Quý 1 đã mở!</b>", actor="scheduler", now=svc.clock.now(), key="open:2023-Q1"
    )
    await svc.broadcasts.finish(opened, svc.clock.now())
    an, binh = Person.on(app, "telegram", "1001", "An"), Person.on(app, "zalo", "z2", "Bình")
    await an.register()
    await binh.register(phone="0987000222", typed_phone=True)
    await an.take_attempt(correct=6)
    await svc.broadcasts.create(
        "⏳ <b>Quý 1 còn 3 ngày</b>",
        actor="scheduler",
        now=svc.clock.now(),
        key="remind:2023-Q1:3",
        audience=absent("2023-Q1"),
    )
    await organiser.send("/admin")
    await organiser.tap("📣 Gửi thông báo")
    await organiser.send("Giải <Nhất> & giải Nhì trao sáng thứ Bảy tại Hội trường Sở.")
    await organiser.tap("✅ Gửi")

    assert await recent_broadcasts(organiser) == [
        "• #3 «Giải <Nhất> & giải Nhì trao sáng thứ…» · tới tất cả:"
        " đã gửi 0, lỗi 0, còn lại 2 (đang gửi)",
        "• #2 Nhắc thi Quý 1 (còn 3 ngày) · tới người chưa thi Quý 1:"
        " đã gửi 0, lỗi 0, còn lại 1 (đang gửi)",
        "• #1 Thông báo mở Quý 1 · tới tất cả: không có người nhận (đã xong)",
    ]
    (panel,) = organiser.messages()
    assert "«Giải &lt;Nhất&gt; &amp; giải Nhì" in panel.text  # typed text stays text


async def test_the_results_of_a_round_name_who_they_went_to(app: App, organiser: Person) -> None:
    svc = app.svc
    an = Person.on(app, "telegram", "1001", "An")
    await an.register()
    await an.take_attempt(correct=6)
    person = await an.participant_id()
    now = svc.clock.now()
    await svc.broadcasts.create(
        "", actor="scheduler", now=now, key="winners-personal:2023-Q1", personal={person: "🎉"}
    )
    await svc.broadcasts.create(
        "🏆 Kết quả",
        actor="scheduler",
        now=now,
        key="winners:2023-Q1",
        audience=in_round("2023-Q1"),
    )

    # Below them, the opening's announcement made when the round opened.
    assert (await recent_broadcasts(organiser))[:2] == [
        "• #3 Kết quả Quý 1 · tới người đã thi Quý 1: đã gửi 0, lỗi 0, còn lại 1 (đang gửi)",
        "• #2 Thư chúc mừng người đoạt giải Quý 1 · tới từng người đoạt giải:"
        " đã gửi 0, lỗi 0, còn lại 1 (đang gửi)",
    ]


def filled_in(template: bytes, count: int) -> bytes:
    """The template with `count` questions typed under its headers, as an organiser would."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    sheet = book["Câu hỏi"]
    column = {cell.value: cell.column for cell in sheet[1]}
    for n in range(1, count + 1):
        row = sheet.max_row + 1
        sheet.cell(row, column["Câu hỏi"], f"Câu hỏi điền vào tệp mẫu số {n}?")
        for letter in "ABCD":
            sheet.cell(row, column[f"Đáp án {letter}"], f"Phương án {letter} của câu {n}")
        sheet.cell(row, column["Đáp án đúng"], "ABCD"[n % 4])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_the_bank_prompt_sends_the_template_and_the_filled_template_is_accepted(
    organiser: Person,
) -> None:
    await organiser.send("/admin")
    await organiser.tap("📤 Nạp ngân hàng câu hỏi")

    prompt, template = organiser.replies
    assert isinstance(prompt, Message)
    assert isinstance(template, Document)
    assert "Tệp Excel mẫu ở ngay bên dưới" in plain(prompt.text)
    assert "quizbot" not in prompt.text
    assert template.filename == "mau-ngan-hang-cau-hoi.xlsx"

    data = filled_in(template.data, 12)
    await organiser.event(Upload(organiser.user, "cau-hoi.xlsx", data, size=len(data)))
    assert "Tệp cau-hoi.xlsx hợp lệ: 12 câu hỏi" in organiser.said
