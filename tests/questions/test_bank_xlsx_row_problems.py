"""Each kind of bad XLSX row is reported with the file name and the sheet's row number."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from questions import BankError, load_bank

MakeFile = Callable[..., Path]
GOOD = ("Thủ đô của Việt Nam là?", "Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ", "A")


def problems_for(make_xlsx: MakeFile, header: list[str], *rows: tuple[object, ...]) -> list[str]:
    with pytest.raises(BankError) as caught:
        load_bank(make_xlsx([header, GOOD, *rows], "cau-hoi.xlsx"))
    return [f"{where}: {problem}" for where, problem in caught.value.problems]


def test_xlsx_row_without_question_text_names_the_row(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    problems = problems_for(make_xlsx, header, (None, "Có", "Không", None, None, "A"))

    assert problems == ["cau-hoi.xlsx, dòng 3: thiếu nội dung câu hỏi"]


def test_xlsx_row_without_correct_answer_names_the_row(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    problems = problems_for(make_xlsx, header, ("Câu hỏi?", "Có", "Không", None, None, None))

    assert problems == ["cau-hoi.xlsx, dòng 3: thiếu đáp án đúng"]


def test_xlsx_correct_answer_pointing_nowhere_names_the_row(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    problems = problems_for(make_xlsx, header, ("Câu hỏi?", "Có", "Không", "Chưa rõ", None, "E"))

    assert problems == [
        "cau-hoi.xlsx, dòng 3: đáp án đúng 'E' không có trong các phương án (chỉ có A–C)"
    ]


def test_xlsx_row_with_two_correct_answers_names_the_row(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    problems = problems_for(make_xlsx, header, ("Câu hỏi?", "Có", "Không", "Chưa rõ", None, "A, C"))

    assert problems == [
        "cau-hoi.xlsx, dòng 3: có nhiều hơn một đáp án đúng ('A, C'); "
        "mỗi câu chỉ được có một đáp án đúng"
    ]


def test_xlsx_row_with_duplicate_options_names_the_row_and_option(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    problems = problems_for(make_xlsx, header, ("Câu hỏi?", "Hà Nội", "hà  nội", None, None, "A"))

    assert problems == ["cau-hoi.xlsx, dòng 3: phương án B bị trùng"]


def test_xlsx_row_with_one_option_names_the_row(make_xlsx: MakeFile, header: list[str]) -> None:
    problems = problems_for(make_xlsx, header, ("Câu hỏi?", "Có", None, None, None, "A"))

    assert problems == ["cau-hoi.xlsx, dòng 3: có 1 phương án, cần từ 2 đến 6"]


def test_xlsx_row_with_a_gap_between_options_names_the_empty_option(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    problems = problems_for(make_xlsx, header, ("Câu hỏi?", "Có", "Không", None, "Chưa rõ", "A"))

    assert problems == ["cau-hoi.xlsx, dòng 3: phương án C để trống"]


def test_xlsx_row_with_too_long_text_says_how_long(make_xlsx: MakeFile, header: list[str]) -> None:
    problems = problems_for(make_xlsx, header, ("x" * 1001 + "?", "Có", "Không", None, None, "A"))

    assert problems == ["cau-hoi.xlsx, dòng 3: câu hỏi dài 1002 ký tự, tối đa 1000"]


def test_xlsx_duplicate_question_points_to_the_first_row(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    problems = problems_for(
        make_xlsx, header, ("thủ đô của  Việt Nam là?", "Có", "Không", None, None, "B")
    )

    assert problems == ["cau-hoi.xlsx, dòng 3: câu hỏi trùng với dòng 2"]


def test_xlsx_row_with_several_problems_lists_them_all(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    problems = problems_for(make_xlsx, header, (None, "Có", None, None, None, None))

    assert problems == [
        "cau-hoi.xlsx, dòng 3: thiếu nội dung câu hỏi",
        "cau-hoi.xlsx, dòng 3: có 1 phương án, cần từ 2 đến 6",
        "cau-hoi.xlsx, dòng 3: thiếu đáp án đúng",
    ]


def test_xlsx_row_numbers_count_the_empty_rows_above(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    empty = (None,) * 6
    problems = problems_for(
        make_xlsx, header, empty, empty, ("Câu hỏi?", "Có", "Không", None, None, None)
    )

    assert problems == ["cau-hoi.xlsx, dòng 5: thiếu đáp án đúng"]
