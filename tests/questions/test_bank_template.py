"""The XLSX template has the expected headers and an example row that loading skips."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from questions import BankError, Question, load_bank, write_template


@pytest.fixture
def template(tmp_path: Path) -> Path:
    path = tmp_path / "mau-cau-hoi.xlsx"
    write_template(path)
    return path


def test_template_has_the_vietnamese_headers_in_bold(template: Path) -> None:
    sheet = load_workbook(template).worksheets[0]
    headers = [cell.value for cell in sheet[1]]

    assert headers == [
        "Câu hỏi",
        "Đáp án A",
        "Đáp án B",
        "Đáp án C",
        "Đáp án D",
        "Đáp án E",
        "Đáp án F",
        "Đáp án đúng",
        "Nguồn",
        "Chủ đề",
        "Giải thích",
        "Ảnh",
    ]
    assert all(cell.font.bold for cell in sheet[1])


def test_template_freezes_the_header_and_widens_the_question_column(template: Path) -> None:
    sheet = load_workbook(template).worksheets[0]

    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 50
    assert sheet.column_dimensions["B"].width >= 20


def test_template_has_one_example_row_marked_as_such(template: Path) -> None:
    sheet = load_workbook(template).worksheets[0]

    assert sheet.max_row == 2
    assert str(sheet["A2"].value).startswith("Ví dụ:")
    assert sheet["H2"].value == "A"
    assert str(sheet["K2"].value).startswith("Ngày 03/6/2020, Thủ tướng Chính phủ ký")


def test_untouched_template_fails_saying_there_are_no_questions(template: Path) -> None:
    with pytest.raises(BankError) as caught:
        load_bank(template)

    assert caught.value.problems == [
        ("mau-cau-hoi.xlsx", "tệp chưa có câu hỏi nào (dòng ví dụ được bỏ qua)")
    ]


def test_template_with_questions_added_loads_them_and_skips_the_example(template: Path) -> None:
    book = load_workbook(template)
    book.worksheets[0].append(
        ["Thủ đô của Việt Nam là?", "Hà Nội", "Huế", None, None, None, None, "a"]
    )
    book.save(template)

    assert load_bank(template).questions == [
        Question("Thủ đô của Việt Nam là?", ("Hà Nội", "Huế"), 0)
    ]


def test_template_needs_an_xlsx_name(tmp_path: Path) -> None:
    with pytest.raises(BankError) as caught:
        write_template(tmp_path / "mau.csv")

    assert caught.value.problems == [
        ("mau.csv", "tệp mẫu là bảng tính nên tên tệp phải có đuôi .xlsx")
    ]
