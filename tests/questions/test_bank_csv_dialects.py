"""CSV files load whatever the delimiter, BOM or quoting Excel and other tools produce."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from questions import BankError, Question, load_bank, load_bank_bytes

MakeFile = Callable[..., Path]
ROWS = [
    ["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án C", "Đáp án đúng", "Nguồn"],
    ["Thủ đô của Việt Nam là?", "Hà Nội", "Huế", "Đà Nẵng", "A", "Hiến pháp 2013; Điều 13"],
    ["Dòng một\nDòng hai, có dấu phẩy", "Có", "Không", "", "B", ""],
]
EXPECTED = [
    Question("Thủ đô của Việt Nam là?", ("Hà Nội", "Huế", "Đà Nẵng"), 0, "Hiến pháp 2013; Điều 13"),
    Question("Dòng một\nDòng hai, có dấu phẩy", ("Có", "Không"), 1),
]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
@pytest.mark.parametrize("bom", [False, True], ids=["no-bom", "bom"])
def test_csv_loads_with_any_delimiter_and_bom(
    make_csv: MakeFile, delimiter: str, bom: bool
) -> None:
    assert load_bank(make_csv(ROWS, delimiter=delimiter, bom=bom)).questions == EXPECTED


def test_csv_with_bom_and_semicolons_as_excel_saves_it() -> None:
    data = (
        "\ufeffCâu hỏi;Đáp án A;Đáp án B;Đáp án đúng\r\n"
        "Ngày Chuyển đổi số quốc gia?;10/10;10/11;A\r\n"
        ";;;\r\n"
    ).encode()

    loaded = load_bank_bytes(data, "bank.csv")

    assert loaded.questions == [Question("Ngày Chuyển đổi số quốc gia?", ("10/10", "10/11"), 0)]


def test_csv_row_numbers_count_records_not_physical_lines() -> None:
    data = (
        'Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng\n"Hai\ndòng?",Có,Không,A\nCâu ba?,Có,Không,\n'
    ).encode()

    with pytest.raises(BankError) as caught:
        load_bank_bytes(data, "bank.csv")

    assert caught.value.problems == [("bank.csv, dòng 3", "thiếu đáp án đúng")]


def test_csv_in_utf16_loads() -> None:
    data = "Câu hỏi\tĐáp án A\tĐáp án B\tĐáp án đúng\nHỏi?\tCó\tKhông\tA\n".encode("utf-16")

    assert load_bank_bytes(data, "bank.csv").questions == [Question("Hỏi?", ("Có", "Không"), 0)]


def test_csv_not_in_utf8_is_refused_with_a_hint() -> None:
    # What Excel's plain "CSV" gives on Vietnamese Windows (code page 1258).
    data = "Cau hoi,Dap an A,Dap an B,Dap an dung\nCó ai?,Có,Không,A\n".encode("cp1258")

    with pytest.raises(BankError) as caught:
        load_bank_bytes(data, "bank.csv")

    [(where, problem)] = caught.value.problems
    assert where == "bank.csv, dòng 2"
    assert "UTF-8" in problem
    assert "CSV UTF-8" in problem


def test_csv_unclosed_quote_names_the_row_where_it_opens() -> None:
    data = 'Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng\nMột?,Có,Không,A\n"Hai?,Có,Không,A\nBa?,x,y,A\n'

    with pytest.raises(BankError) as caught:
        load_bank_bytes(data.encode(), "bank.csv")

    assert caught.value.problems == [
        (
            "bank.csv, dòng 3",
            'không đọc được dòng này: kiểm tra dấu ngoặc kép (") mở và đóng ô cho đúng',
        )
    ]


def test_csv_quotes_inside_an_unquoted_cell_are_kept() -> None:
    data = 'Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng\nChữ "số" là gì?,Có,Không,A\n'

    assert load_bank_bytes(data.encode(), "bank.csv").questions[0].text == 'Chữ "số" là gì?'
