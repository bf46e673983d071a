"""The correct answer may be a letter, a number or an option's text, and must be exactly one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from questions import BankError, load_bank

MakeFile = Callable[..., Path]


def correct_of(
    make_xlsx: MakeFile, header: list[str], options: tuple[str, ...], answer: object
) -> int:
    row = ("Thủ đô của Việt Nam là?", *options, *([None] * (4 - len(options))), answer)
    return load_bank(make_xlsx([header, row])).questions[0].correct


def problem_of(
    make_xlsx: MakeFile, header: list[str], options: tuple[str, ...], answer: object
) -> str:
    with pytest.raises(BankError) as caught:
        correct_of(make_xlsx, header, options, answer)
    [(where, problem)] = caught.value.problems
    assert where == "bank.xlsx, dòng 2"
    return problem


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("C", 2), ("c", 2), (" B ", 1), (3, 2), ("4", 3), (2.0, 1), ("Đà Nẵng", 2), ("đà  nẵng", 2)],
)
def test_answer_as_letter_number_or_text_picks_the_option(
    make_xlsx: MakeFile, header: list[str], answer: object, expected: int
) -> None:
    options = ("Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ")

    assert correct_of(make_xlsx, header, options, answer) == expected


def test_letter_means_position_even_when_an_option_reads_like_a_letter(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    assert correct_of(make_xlsx, header, ("B", "A"), "A") == 0


def test_number_that_is_also_another_options_text_is_ambiguous(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    problem = problem_of(make_xlsx, header, ("4", "3", "2", "1"), 2)

    assert problem == (
        "đáp án đúng '2' không rõ: có thể là phương án thứ 2 (B) hoặc phương án C "
        "có nội dung '2'; hãy ghi đáp án bằng chữ cái"
    )


def test_number_beyond_the_options_that_is_an_options_text_picks_that_option(
    make_xlsx: MakeFile, header: list[str]
) -> None:
    assert correct_of(make_xlsx, header, ("34", "63", "64"), 63) == 1


@pytest.mark.parametrize(
    ("answer", "problem"),
    [
        ("E", "đáp án đúng 'E' không có trong các phương án (chỉ có A–D)"),
        (5, "đáp án đúng '5' không có trong các phương án (chỉ có A–D)"),
        (0, "đáp án đúng '0' không có trong các phương án (chỉ có A–D)"),
        ("AB", "có nhiều hơn một đáp án đúng ('AB'); mỗi câu chỉ được có một đáp án đúng"),
        ("A và D", "có nhiều hơn một đáp án đúng ('A và D'); mỗi câu chỉ được có một đáp án đúng"),
        ("1;3", "có nhiều hơn một đáp án đúng ('1;3'); mỗi câu chỉ được có một đáp án đúng"),
        (
            "Sài Gòn",
            "đáp án đúng 'Sài Gòn' không phải chữ cái (A–F), số thứ tự (1–6) "
            "hay nội dung của phương án nào",
        ),
    ],
)
def test_answer_that_matches_no_single_option_is_explained(
    make_xlsx: MakeFile, header: list[str], answer: object, problem: str
) -> None:
    options = ("Hà Nội", "Huế", "Đà Nẵng", "Cần Thơ")

    assert problem_of(make_xlsx, header, options, answer) == problem
