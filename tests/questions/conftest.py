"""Fixtures for the question bank tests: sample questions and hand-made bank files."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook

from questions import Question

Rows = Sequence[Sequence[object]]
MakeFile = Callable[..., Path]

SAMPLE = (
    Question(text="Chuyển đổi số có phải là xu thế tất yếu?", options=("Đúng", "Sai"), correct=0),
    Question(
        text=(
            "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030 "
            "được phê duyệt theo quyết định nào?"
        ),
        options=(
            "Quyết định số 749/QĐ-TTg",
            "Quyết định số 942/QĐ-TTg",
            "Quyết định số 411/QĐ-TTg",
            "Quyết định số 06/QĐ-TTg",
        ),
        correct=0,
        source="Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ",
        topic="Chương trình chuyển đổi số quốc gia",
    ),
    Question(
        text="Ngày Chuyển đổi số quốc gia là ngày nào?\n(chọn một đáp án)",
        options=("10/10", "10/11", "3/6", "2025", "=1+1", "yes"),
        correct=5,
        source="Quyết định số 505/QĐ-TTg ngày 22/4/2022",
        topic="Ngày Chuyển đổi số",
    ),
)

HEADER = ("Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án C", "Đáp án D", "Đáp án đúng")


@pytest.fixture
def sample() -> list[Question]:
    """Questions with 2, 4 and 6 options, Vietnamese text and values that look like data."""
    return list(SAMPLE)


def xlsx_bytes(rows: Rows) -> bytes:
    """A workbook whose first sheet holds the rows as given (None leaves a cell empty)."""
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Rows, delimiter: str = ",", bom: bool = False) -> bytes:
    """A CSV file of the rows in UTF-8."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([["" if c is None else str(c) for c in row] for row in rows])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


@pytest.fixture
def make_xlsx(tmp_path: Path) -> MakeFile:
    """Write rows to an .xlsx file (default name bank.xlsx) and return its path."""

    def make(rows: Rows, name: str = "bank.xlsx") -> Path:
        path = tmp_path / name
        path.write_bytes(xlsx_bytes(rows))
        return path

    return make


@pytest.fixture
def make_csv(tmp_path: Path) -> MakeFile:
    """Write rows to a CSV file (default name bank.csv) and return its path."""

    def make(rows: Rows, name: str = "bank.csv", delimiter: str = ",", bom: bool = False) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows, delimiter, bom))
        return path

    return make


@pytest.fixture
def make_text(tmp_path: Path) -> MakeFile:
    """Write text (UTF-8) to a file (default name bank.txt) and return its path."""

    def make(text: str, name: str = "bank.txt") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode("utf-8"))
        return path

    return make


@pytest.fixture
def header() -> list[str]:
    """The usual header row with four options and no source or topic."""
    return list(HEADER)
