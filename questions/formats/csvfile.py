"""CSV banks: the same columns as the XLSX layout, in UTF-8 (with or without BOM).

The delimiter is whichever of comma, semicolon or tab splits the header row into the
most known headers (Excel in Vietnamese locale saves with semicolons). Quoted fields may
span lines. Row numbers in messages count records, as a spreadsheet shows them.

A cell that a spreadsheet program would evaluate (it starts with `=`, `+`, `-`, `@`…) is
written with a leading `'`, and that `'` is taken off again on reading (see formulas).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from questions.formats.common import Parsed, decode_text
from questions.formats.formulas import csv_escape, csv_unescape
from questions.formats.table import header_row, header_score, question_row, read_table
from questions.model import Question, QuestionError

DELIMITERS = (",", ";", "\t")
_ENCODING_HINT = "hãy lưu lại với bảng mã UTF-8 (trong Excel chọn kiểu 'CSV UTF-8')"


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if any(cell.strip() for cell in record):
                return record
    except csv.Error:
        pass  # a delimiter that breaks parsing is simply not the one
    return []


def sniff_delimiter(text: str) -> str:
    """The delimiter that makes the header row read best."""

    def score(delimiter: str) -> tuple[int, int]:
        record = _first_record(text, delimiter)
        return header_score(record), len(record)

    return max(DELIMITERS, key=score)


def read_csv(data: bytes) -> Parsed:
    """Questions from a CSV file."""
    try:
        text = decode_text(data, _ENCODING_HINT)
    except QuestionError as exc:
        return Parsed(problems=[(exc.where, exc.problem)])
    # strict: an unclosed quote is an error at its row rather than one giant cell.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            rows.append((number, [csv_unescape(cell) for cell in record]))
    except csv.Error:
        return Parsed(
            problems=[
                (
                    f"dòng {len(rows) + 1}",
                    'không đọc được dòng này: kiểm tra dấu ngoặc kép (") mở và đóng ô cho đúng',
                )
            ]
        )
    return read_table(rows)


def dump_csv(questions: Sequence[Question]) -> bytes:
    """A CSV file holding the questions, UTF-8 with BOM so Excel shows Vietnamese correctly."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header_row())
    writer.writerows([csv_escape(cell) for cell in question_row(q)] for q in questions)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
