"""BankError lists every problem, one per line, with where it is."""

from __future__ import annotations

from questions import BankError


def test_bank_error_lists_every_problem_on_its_own_line() -> None:
    error = BankError(
        [
            ("cau-hoi.xlsx, dòng 5", "thiếu đáp án đúng"),
            ("cau-hoi.xlsx, dòng 7", "phương án B bị trùng"),
            ("cau-hoi.xlsx", "tệp có 5001 câu hỏi, tối đa 5000"),
        ]
    )

    assert str(error).splitlines() == [
        "cau-hoi.xlsx, dòng 5: thiếu đáp án đúng",
        "cau-hoi.xlsx, dòng 7: phương án B bị trùng",
        "cau-hoi.xlsx: tệp có 5001 câu hỏi, tối đa 5000",
    ]


def test_bank_error_summary_cuts_a_long_list_and_says_how_many_are_left() -> None:
    error = BankError([(f"bank.csv, dòng {n}", "thiếu đáp án đúng") for n in range(2, 32)])

    lines = error.summary(limit=3).splitlines()

    assert lines == [
        "bank.csv, dòng 2: thiếu đáp án đúng",
        "bank.csv, dòng 3: thiếu đáp án đúng",
        "bank.csv, dòng 4: thiếu đáp án đúng",
        "… và 27 lỗi khác",
    ]


def test_bank_error_summary_of_a_short_list_is_the_whole_list() -> None:
    error = BankError([("bank.csv, dòng 2", "thiếu đáp án đúng")])

    assert error.summary() == str(error)
