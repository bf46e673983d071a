"""Bank files the bot writes hold text that starts like a formula as text, and read it back.

Organisers export the bank, open it in Excel or LibreOffice, edit it and load it again; a
question or an option starting with "=", "+", "-" or "@" must neither run when the file is
opened nor change on the way back.
"""

from __future__ import annotations

import csv
import io

import pytest

from questions import Bank, Question, load_bank_bytes, template_bytes, write_bank_bytes
from questions.formats.formulas import csv_escape, csv_unescape, looks_like_formula
from tests.support.spreadsheets import (
    CSV_ONLY,
    HOSTILE,
    WEBSERVICE,
    formula_cells,
    texts,
    unquoted_formula_texts,
)

HOSTILE_BANK = [
    Question(
        text=text,
        options=(HOSTILE[(i + 1) % len(HOSTILE)], "+84 là mã quốc gia", "-5 °C", "@ktra"),
        correct=i % 4,
        source=HOSTILE[(i + 2) % len(HOSTILE)],
        topic=HOSTILE[(i + 3) % len(HOSTILE)],
    )
    for i, text in enumerate(HOSTILE)
]


def test_exported_workbook_holds_every_formula_like_text_as_quoted_text() -> None:
    xlsx = write_bank_bytes(Bank("b", "Ngân hàng", HOSTILE_BANK), "bank.xlsx")

    assert formula_cells(xlsx) == []
    assert unquoted_formula_texts(xlsx) == []
    assert set(HOSTILE) <= texts(xlsx)
    assert load_bank_bytes(xlsx, "bank.xlsx").questions == HOSTILE_BANK


def test_template_holds_no_formula() -> None:
    xlsx = template_bytes()

    assert formula_cells(xlsx) == []
    assert unquoted_formula_texts(xlsx) == []


def test_exported_csv_starts_no_cell_with_a_formula_character_and_loads_back_unchanged() -> None:
    data = write_bank_bytes(Bank("b", "Ngân hàng", HOSTILE_BANK), "bank.csv")

    cells = [c for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))) for c in row]
    assert [c for c in cells if looks_like_formula(c)] == []
    assert "'" + WEBSERVICE in cells
    assert "'-5 °C" in cells
    assert "''=1+1" in cells  # a text that itself starts with the quote keeps it
    assert load_bank_bytes(data, "bank.csv").questions == HOSTILE_BANK


def test_a_hand_made_csv_keeps_an_apostrophe_that_quotes_words() -> None:
    data = (
        "Câu hỏi,Đáp án A,Đáp án B,Đáp án đúng\r\n"
        "'Chuyển đổi số' là gì?,'Số hoá',Cả hai,B\r\n"
        "'=1+1 là công thức?,Đúng,Sai,A\r\n"
    ).encode()

    questions = load_bank_bytes(data, "bank.csv").questions

    assert questions[0].text == "'Chuyển đổi số' là gì?"
    assert questions[0].options[0] == "'Số hoá'"
    assert questions[1].text == "=1+1 là công thức?"  # as Excel users quote a formula


@pytest.mark.parametrize(
    "text",
    [*HOSTILE, *CSV_ONLY, "''+1", "'", "''", "'a", "Chuyển đổi số", "", "1-2", "a=b"],
)
def test_csv_escaping_is_undone_exactly(text: str) -> None:
    cell = csv_escape(text)

    assert not looks_like_formula(cell)
    assert csv_unescape(cell) == text
