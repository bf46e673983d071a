"""Small bank files built to cost far more than their size are refused cheaply.

Each file (tests/questions/bombs.py) goes through the readers in this process; the test
measures the CPU time (under tracemalloc, which slows allocation down several times) and the
peak of Python's allocations the refusal took. The limits are generous (most refusals take
milliseconds and a few MB): they are checks that the work stays bounded, not timings.
Before these limits the alias bomb took 2 GB and 6 s, the shared strings 16 s of CPU.
"""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from bench.measure import timed
from questions import BankError, load_bank_bytes
from questions.bank import MAX_PROBLEMS
from questions.formats.xlsx import NOT_XLSX
from questions.formats.ziplimits import MAX_CELLS, MAX_SHARED_STRINGS, TOO_LARGE
from tests.questions import bombs

ANCHORS = (
    "tệp YAML dùng neo hoặc bí danh (&… và *…) để lặp lại nội dung, điều này không được hỗ "
    "trợ; hãy viết đầy đủ từng câu hỏi và phương án"
)


@dataclass(frozen=True)
class Cost:
    cpu_seconds: float
    peak_mb: float


def refusal(data: bytes, filename: str) -> tuple[BankError, Cost]:
    """The refusal of a file, and what reading it took."""
    tracemalloc.start()
    try:
        with timed() as span, pytest.raises(BankError) as refused:
            load_bank_bytes(data, filename)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return refused.value, Cost(span.cpu, peak / 1024 / 1024)


def test_a_yaml_bank_repeating_its_options_through_an_alias_is_refused_unbuilt() -> None:
    bomb = bombs.alias_bomb()
    assert len(bomb) < 250 * 1024

    error, cost = refusal(bomb, "bom.yaml")

    assert error.problems == [("bom.yaml, dòng 2", ANCHORS)]
    assert cost.cpu_seconds < 1
    assert cost.peak_mb < 20


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("questions:\n  - text: &t Một?\n    options: [Có, Không]\n    answer: A\n", 2),
        ("questions:\n  - &q {text: Một?, options: [Có, Không], answer: A}\n  - *q\n", 2),
        ("x: &a [Có]\nquestions:\n  - {text: Một?, options: *a, answer: A}\n", 1),
    ],
)
def test_an_anchor_or_alias_anywhere_is_refused(text: str, line: int) -> None:
    error, _ = refusal(text.encode(), "bank.yaml")

    assert error.problems == [(f"bank.yaml, dòng {line}", ANCHORS)]


def test_yaml_nested_deeper_than_a_bank_is_refused() -> None:
    deep = "questions: " + "[" * 50 + "]" * 50 + "\n"

    error, cost = refusal(deep.encode(), "bank.yaml")

    assert error.problems == [
        ("bank.yaml, dòng 1", "tệp YAML lồng nhau quá sâu, không phải một ngân hàng câu hỏi")
    ]
    assert cost.cpu_seconds < 1


@pytest.mark.parametrize(
    ("filename", "text"),
    [
        (
            "bank.yaml",
            "questions:\n  - text: Một?\n    answer: A\n    options:\n" + "      - Có\n" * 100_000,
        ),
        (
            "bank.txt",
            "Một?\n"
            + "".join(f"{c}. {c}\n" for c in "ABCDEF")
            + "G. Có\n" * 99_994
            + "ANSWER: A\n",
        ),
    ],
)
def test_a_question_with_a_hundred_thousand_options_is_one_problem(
    filename: str, text: str
) -> None:
    error, cost = refusal(text.encode(), filename)

    assert error.problems[0] == (
        f"{filename}, {'câu' if filename.endswith('yaml') else 'dòng'} 1",
        "có 100000 phương án, cần từ 2 đến 6",
    )
    assert error.total < 10
    assert cost.cpu_seconds < 10  # reading 100,000 values, under tracemalloc
    assert cost.peak_mb < 50


def test_a_file_with_thousands_of_problems_lists_the_first_and_counts_the_rest() -> None:
    rows = "".join(f"Câu {n}?,Có,Không,\n" for n in range(5000))
    data = ("Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng\n" + rows).encode()

    error, _ = refusal(data, "bank.csv")

    assert error.total == 5000
    assert len(error.problems) == MAX_PROBLEMS
    assert error.problems[0] == ("bank.csv, dòng 2", "thiếu đáp án đúng")
    assert str(error).splitlines()[-1] == f"… và {5000 - MAX_PROBLEMS} lỗi khác"


def test_a_workbook_of_millions_of_tiny_shared_strings_is_refused_unread() -> None:
    bomb = bombs.shared_strings_xlsx()
    assert len(bomb) < 100 * 1024

    error, cost = refusal(bomb, "cau-hoi.xlsx")

    assert error.problems == [
        (
            "cau-hoi.xlsx",
            f"bảng tính có hơn {MAX_SHARED_STRINGS:,} chuỗi văn bản, không phải một ngân hàng "
            "câu hỏi".replace(",", ".", 1),
        )
    ]
    assert cost.cpu_seconds < 2
    assert cost.peak_mb < 20


def test_a_sheet_of_a_million_empty_cells_is_refused_unread() -> None:
    error, cost = refusal(bombs.cells_xlsx(), "cau-hoi.xlsx")

    assert error.problems == [
        (
            "cau-hoi.xlsx",
            f"bảng tính có hơn {MAX_CELLS:,} ô, hãy xoá các dòng và cột thừa".replace(",", ".", 1),
        )
    ]
    assert cost.cpu_seconds < 2


@pytest.mark.parametrize(
    ("make", "problem"),
    [
        pytest.param(bombs.zip_bomb_xlsx, TOO_LARGE, id="declared"),
        pytest.param(lambda: bombs.zip_bomb_xlsx(lying=True), NOT_XLSX, id="lying"),
    ],
)
def test_a_zip_bomb_is_refused_without_inflating_it(
    make: Callable[[], bytes], problem: str
) -> None:
    bomb = make()
    assert len(bomb) < 100 * 1024  # 64 MB packed

    error, cost = refusal(bomb, "cau-hoi.xlsx")

    assert error.problems == [("cau-hoi.xlsx", problem)]
    assert cost.cpu_seconds < 1
    assert cost.peak_mb < 20


def test_a_real_bank_of_five_thousand_long_questions_passes_the_limits() -> None:
    data = bombs.largest_bank_xlsx()

    assert len(load_bank_bytes(data, "lon.xlsx").questions) == 5000
