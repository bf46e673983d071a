"""YAML banks: name, title and questions, values read exactly as typed, errors by question."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from questions import BankError, Question, load_bank

MakeFile = Callable[..., Path]


def problems_of(make_text: MakeFile, text: str) -> list[tuple[str, str]]:
    with pytest.raises(BankError) as caught:
        load_bank(make_text(text, "bank.yaml"))
    return caught.value.problems


def test_yaml_reads_name_title_and_questions(make_text: MakeFile) -> None:
    text = """\
bank: chuyen-doi-so-2023
title: "Ngân hàng câu hỏi Chuyển đổi số 2023"
questions:
  - text: "Chương trình Chuyển đổi số quốc gia được phê duyệt theo quyết định nào?"
    options: ["Quyết định số 749/QĐ-TTg", "Quyết định số 942/QĐ-TTg"]
    answer: A
    source: "Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ"
    topic: "Chương trình chuyển đổi số quốc gia"
  - text: Năm nào?
    options: [2025, 2030, yes, 1.50]
    answer: 2
"""

    bank = load_bank(make_text(text, "bank.yaml"))

    assert (bank.name, bank.title) == ("chuyen-doi-so-2023", "Ngân hàng câu hỏi Chuyển đổi số 2023")
    assert bank.questions == [
        Question(
            "Chương trình Chuyển đổi số quốc gia được phê duyệt theo quyết định nào?",
            ("Quyết định số 749/QĐ-TTg", "Quyết định số 942/QĐ-TTg"),
            0,
            "Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ",
            "Chương trình chuyển đổi số quốc gia",
        ),
        Question("Năm nào?", ("2025", "2030", "yes", "1.50"), 1),
    ]


def test_yml_extension_is_yaml(make_text: MakeFile) -> None:
    text = "questions:\n  - {text: Một?, options: [Có, Không], answer: Không}\n"

    assert load_bank(make_text(text, "bank.yml")).questions == [
        Question("Một?", ("Có", "Không"), 1)
    ]


def test_yaml_bad_questions_are_named_by_their_number(make_text: MakeFile) -> None:
    text = """\
questions:
  - {text: Một?, options: [Có, Không], answer: A}
  - {text: Hai?, options: [Có, Không]}
  - {text: Một?, options: [Có, Không], answer: E}
"""

    assert problems_of(make_text, text) == [
        ("bank.yaml, câu 2", "thiếu đáp án đúng"),
        ("bank.yaml, câu 3", "đáp án đúng 'E' không có trong các phương án (chỉ có A–B)"),
        ("bank.yaml, câu 3", "câu hỏi trùng với câu 1"),
    ]


def test_yaml_misspelt_key_is_reported(make_text: MakeFile) -> None:
    text = "questions:\n  - {text: Một?, options: [Có, Không], anwser: A}\n"

    assert problems_of(make_text, text) == [
        (
            "bank.yaml, câu 1",
            "khoá lạ 'anwser' (chỉ dùng: text, options, answer, source, topic, explanation, image)",
        ),
        ("bank.yaml, câu 1", "thiếu đáp án đúng"),
    ]


def test_yaml_options_must_be_a_list(make_text: MakeFile) -> None:
    text = "questions:\n  - {text: Một?, options: Có, answer: A}\n"

    problems = problems_of(make_text, text)

    assert problems[0] == (
        "bank.yaml, câu 1",
        "'options' phải là danh sách các phương án, mỗi phương án một dòng '- …'",
    )


def test_yaml_syntax_error_names_the_line(make_text: MakeFile) -> None:
    text = 'questions:\n  - text: "Một?\n    options: [Có, Không]\n  answer A\n'

    [(where, problem)] = problems_of(make_text, text)

    assert where.startswith("bank.yaml, dòng ")
    assert problem.startswith("lỗi cú pháp YAML")


def test_yaml_without_questions_key_is_reported(make_text: MakeFile) -> None:
    assert problems_of(make_text, "bank: x\nquestion: []\n") == [
        ("bank.yaml", "khoá lạ 'question' (chỉ dùng: bank, title, questions)"),
        ("bank.yaml", "thiếu khoá 'questions' chứa danh sách câu hỏi"),
    ]


def test_yaml_tags_are_read_as_plain_data_and_never_run(make_text: MakeFile) -> None:
    text = "questions: !!python/object/apply:os.system ['echo hi']\n"

    assert problems_of(make_text, text) == [
        ("bank.yaml, câu 1", "mỗi câu hỏi phải là một nhóm khoá text, options, answer")
    ]
