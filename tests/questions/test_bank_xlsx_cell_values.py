"""XLSX cells of any type read as the text the organiser sees in Excel."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from questions import load_bank, load_bank_bytes

MakeFile = Callable[..., Path]


def options_of(make_xlsx: MakeFile, header: list[str], *options: object) -> tuple[str, ...]:
    row = ("Chọn đáp án đúng?", *options, *([None] * (4 - len(options))), "A")
    return load_bank(make_xlsx([header, row])).questions[0].options


def test_whole_numbers_have_no_decimal_part(make_xlsx: MakeFile, header: list[str]) -> None:
    assert options_of(make_xlsx, header, 2025, 2030.0, -5) == ("2025", "2030", "-5")


def test_decimals_use_a_comma(make_xlsx: MakeFile, header: list[str]) -> None:
    assert options_of(make_xlsx, header, 3.14, 0.1 + 0.2) == ("3,14", "0,3")


def test_dates_read_day_first(make_xlsx: MakeFile, header: list[str]) -> None:
    options = options_of(
        make_xlsx, header, dt.datetime(2020, 6, 3), dt.datetime(2022, 10, 10, 8, 30)
    )

    assert options == ("03/06/2020", "10/10/2022 08:30")


def test_percentages_keep_their_percent_sign() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng"])
    sheet.append(["Tỷ lệ hộ gia đình có cáp quang?", 0.25, 0.805, "B"])
    sheet["B2"].number_format = "0%"
    sheet["C2"].number_format = "0.0%"
    buffer = io.BytesIO()
    book.save(buffer)

    loaded = load_bank_bytes(buffer.getvalue(), "bank.xlsx")

    assert loaded.questions[0].options == ("25%", "80,5%")


def test_text_that_looks_like_a_formula_stays_text(make_xlsx: MakeFile, header: list[str]) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    sheet.append(["Kết quả của phép tính?", "x", "y", None, None, "A"])
    sheet["B2"].value = "=1+1"
    sheet["B2"].data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)

    assert load_bank_bytes(buffer.getvalue(), "bank.xlsx").questions[0].options == ("=1+1", "y")


def test_line_breaks_inside_a_cell_are_kept(make_xlsx: MakeFile, header: list[str]) -> None:
    row = ("  Dòng một\r\nDòng  hai  ", "Có", "Không", None, None, "A")

    assert load_bank(make_xlsx([header, row])).questions[0].text == "Dòng một\nDòng  hai"


def test_fully_empty_rows_are_skipped(make_xlsx: MakeFile, header: list[str]) -> None:
    rows = [
        ("Câu một?", "Có", "Không", None, None, "A"),
        (None, None, None, None, None, None),
        ("   ", "", None, None, None, " "),
        ("Câu hai?", "Có", "Không", None, None, "B"),
    ]

    assert [q.text for q in load_bank(make_xlsx([header, *rows])).questions] == [
        "Câu một?",
        "Câu hai?",
    ]


def test_only_the_first_worksheet_is_read() -> None:
    book = Workbook()
    book.active.append(["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng"])
    book.active.append(["Câu hỏi thật?", "Có", "Không", "A"])
    book.create_sheet("Nháp").append(["không phải", "câu hỏi"])
    buffer = io.BytesIO()
    book.save(buffer)

    assert len(load_bank_bytes(buffer.getvalue(), "bank.xlsx").questions) == 1
