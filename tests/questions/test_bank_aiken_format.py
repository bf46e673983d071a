"""Aiken (.txt) banks: Moodle's format plus SOURCE and TOPIC lines, with line numbers in errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from questions import BankError, Question, load_bank

MakeFile = Callable[..., Path]


def problems_of(make_text: MakeFile, text: str) -> list[tuple[str, str]]:
    with pytest.raises(BankError) as caught:
        load_bank(make_text(text))
    return caught.value.problems


def test_aiken_reads_questions_options_answer_source_and_topic(make_text: MakeFile) -> None:
    text = (
        "Chương trình Chuyển đổi số quốc gia\n"
        "được phê duyệt theo quyết định nào?\n"
        "A. Quyết định số 749/QĐ-TTg\n"
        "B) Quyết định số 942/QĐ-TTg\n"
        "ANSWER: A\n"
        "SOURCE: Quyết định số 749/QĐ-TTg ngày 03/6/2020\n"
        "TOPIC: Chương trình chuyển đổi số quốc gia\n"
        "\n"
        "\n"
        "Ngày Chuyển đổi số quốc gia?\n"
        "A. 10/10\n"
        "B. 10/11\n"
        "answer: b\n"
    )

    assert load_bank(make_text(text)).questions == [
        Question(
            "Chương trình Chuyển đổi số quốc gia\nđược phê duyệt theo quyết định nào?",
            ("Quyết định số 749/QĐ-TTg", "Quyết định số 942/QĐ-TTg"),
            0,
            "Quyết định số 749/QĐ-TTg ngày 03/6/2020",
            "Chương trình chuyển đổi số quốc gia",
        ),
        Question("Ngày Chuyển đổi số quốc gia?", ("10/10", "10/11"), 1),
    ]


def test_aiken_next_question_may_follow_answer_without_a_blank_line(make_text: MakeFile) -> None:
    text = "Một?\nA. Có\nB. Không\nANSWER: A\nHai?\nA. Có\nB. Không\nANSWER: B\n"

    assert [q.correct for q in load_bank(make_text(text)).questions] == [0, 1]


def test_aiken_windows_line_endings_and_bom_are_accepted(make_text: MakeFile) -> None:
    text = "\ufeffMột?\r\nA. Có\r\nB. Không\r\nANSWER: B\r\n"

    assert load_bank(make_text(text)).questions == [Question("Một?", ("Có", "Không"), 1)]


def test_aiken_missing_answer_names_the_question_line(make_text: MakeFile) -> None:
    text = "Một?\nA. Có\nB. Không\nANSWER: A\n\nHai?\nA. Có\nB. Không\n"

    assert problems_of(make_text, text) == [("bank.txt, dòng 6", "thiếu đáp án đúng")]


def test_aiken_answer_pointing_nowhere_names_the_answer_line(make_text: MakeFile) -> None:
    text = "Một?\nA. Có\nB. Không\nANSWER: E\n"

    assert problems_of(make_text, text) == [
        ("bank.txt, dòng 4", "đáp án đúng 'E' không có trong các phương án (chỉ có A–B)")
    ]


def test_aiken_options_out_of_order_name_the_line(make_text: MakeFile) -> None:
    text = "Một?\nA. Có\nC. Không\nANSWER: A\n"

    assert problems_of(make_text, text) == [
        ("bank.txt, dòng 3", "phương án tiếp theo phải là B, dòng này ghi C")
    ]


def test_aiken_stray_line_among_options_is_reported_and_starts_a_new_question(
    make_text: MakeFile,
) -> None:
    text = "Một?\nA. Có\nB. Không\nHai?\nA. Có\nB. Không\nANSWER: A\n"

    problems = problems_of(make_text, text)

    assert problems[0][0] == "bank.txt, dòng 4"
    assert problems[0][1].startswith("sau các phương án phải là phương án tiếp theo")
    assert problems[1] == ("bank.txt, dòng 1", "thiếu đáp án đúng")
    assert len(problems) == 2


def test_aiken_question_without_options_is_reported(make_text: MakeFile) -> None:
    text = "Một câu hỏi chưa có phương án\n\nHai?\nA. Có\nB. Không\nANSWER: A\n"

    assert problems_of(make_text, text) == [
        ("bank.txt, dòng 1", "có 0 phương án, cần từ 2 đến 6"),
        ("bank.txt, dòng 1", "thiếu đáp án đúng"),
    ]


def test_aiken_duplicate_options_and_questions_name_their_lines(make_text: MakeFile) -> None:
    text = "Một?\nA. Có\nB. có\nANSWER: A\n\nMột?\nA. Có\nB. Không\nANSWER: A\n"

    assert problems_of(make_text, text) == [
        ("bank.txt, dòng 1", "phương án B bị trùng"),
        ("bank.txt, dòng 6", "câu hỏi trùng với dòng 1"),
    ]


def test_aiken_seventh_option_is_too_many(make_text: MakeFile) -> None:
    options = "".join(f"{letter}. Phương án {letter}\n" for letter in "ABCDEFG")

    assert problems_of(make_text, f"Một?\n{options}ANSWER: A\n") == [
        ("bank.txt, dòng 1", "có 7 phương án, cần từ 2 đến 6")
    ]


def test_aiken_repeated_source_line_is_reported(make_text: MakeFile) -> None:
    text = "Một?\nA. Có\nB. Không\nANSWER: A\nSOURCE: x\nSOURCE: y\n"

    assert problems_of(make_text, text) == [("bank.txt, dòng 6", "dòng SOURCE bị lặp lại")]
