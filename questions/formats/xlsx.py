"""XLSX banks: the first worksheet holds one question per row under Vietnamese headers.

Cells are read as the organiser sees them: 2025 stays "2025" (not "2025.0"), a
decimal reads "3,14", a percentage "25%" and a date "03/06/2020". Formulas give their
last computed value. Only the first 50 columns are read.
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
import zipfile
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill

from questions.formats.common import Parsed, Problem, clean_text, number_text
from questions.formats.formulas import looks_like_formula
from questions.formats.table import (
    ANSWER,
    EXPLANATION,
    FIELDS,
    IMAGE,
    SOURCE,
    TEXT,
    TOPIC,
    header_row,
    question_row,
    read_table,
)
from questions.formats.ziplimits import archive_problem
from questions.model import Question

MAX_COLUMNS = 50
# Beyond the question limit this only stops sheets with huge runs of formatted empty rows.
MAX_ROWS = 100_000
# Legacy .xls files and password-protected .xlsx files are both OLE2 containers.
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

NOT_XLSX = "tệp không phải là bảng tính Excel (.xlsx)"
SHEET_TITLE = "Câu hỏi"
_WIDTHS = {TEXT: 60, ANSWER: 13, SOURCE: 40, TOPIC: 28, EXPLANATION: 60, IMAGE: 24}
_OPTION_WIDTH = 24


def _cell_text(cell: Any) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if "%" in (cell.number_format or ""):
            return number_text(round(value * 100, 10)) + "%"
        return number_text(value)
    if isinstance(value, dt.datetime):
        day = value.strftime("%d/%m/%Y")
        return day if value.time() == dt.time() else f"{day} {value:%H:%M}"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value)


def _rows(sheet: Any, problems: list[Problem]) -> list[tuple[int, list[str]]]:
    rows: list[tuple[int, list[str]]] = []
    # min_row/min_col are explicit because a read-only sheet otherwise starts at the
    # top-left of its stored dimension, which would shift our row numbers.
    cells = sheet.iter_rows(min_row=1, min_col=1, max_col=MAX_COLUMNS)
    for number, row in enumerate(cells, start=1):
        if number > MAX_ROWS:
            problems.append(
                ("", f"bảng tính có hơn {MAX_ROWS} dòng (kể cả dòng trống); hãy xoá các dòng thừa")
            )
            break
        texts = [_cell_text(cell) for cell in row]
        while texts and not texts[-1]:
            texts.pop()
        rows.append((number, texts))
    return rows


def read_xlsx(data: bytes) -> Parsed:
    """Questions from the first worksheet of an .xlsx file."""
    if data.startswith(_OLE_MAGIC):
        return Parsed(
            problems=[
                (
                    "",
                    "tệp là bảng tính Excel dạng cũ (.xls) hoặc có đặt mật khẩu; hãy mở bằng "
                    "Excel và lưu lại dưới dạng .xlsx, không đặt mật khẩu",
                )
            ]
        )
    try:
        too_much = archive_problem(data)
    except zipfile.BadZipFile:
        return Parsed(problems=[("", NOT_XLSX)])
    if too_much is not None:
        return Parsed(problems=[("", too_much)])
    problems: list[Problem] = []
    # openpyxl warns about features it drops (data validation extensions, unknown
    # styles); none of them matter for reading values.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many types for a zip that is not a workbook
            return Parsed(problems=[("", NOT_XLSX)])
        try:
            if not book.worksheets:
                return Parsed(problems=[("", "bảng tính không có trang tính nào")])
            sheet = book.worksheets[0]
            # Some writers store a wrong size ("A1:XFD1048576"); follow the real rows.
            sheet.reset_dimensions()
            rows = _rows(sheet, problems)
            title = book.properties.title or ""
        except Exception:  # a damaged part of the archive surfaces only while reading
            return Parsed(problems=[("", "bảng tính bị hỏng, không đọc được nội dung")])
        finally:
            book.close()
    parsed = read_table(rows)
    parsed.problems[:0] = problems
    parsed.title = clean_text(title)
    return parsed


def _set_text(sheet: Any, row: int, column: int, value: str) -> Any:
    cell = sheet.cell(row=row, column=column)
    cell.value = value
    # openpyxl turns text starting with "=" into a formula; keep what was typed, and keep it
    # text when an organiser edits the cell in Excel (see formulas).
    cell.data_type = "s"
    if looks_like_formula(value):
        cell.quotePrefix = True
    return cell


def _layout(sheet: Any) -> None:
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for column, header in enumerate(header_row(), start=1):
        cell = _set_text(sheet, 1, column, header)
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for column, field in enumerate(FIELDS, start=1):
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = _WIDTHS.get(field, _OPTION_WIDTH)
    sheet.freeze_panes = "A2"


def _write_rows(sheet: Any, questions: Sequence[Question], font: Font | None = None) -> None:
    wrap = Alignment(vertical="top", wrap_text=True)
    for row, question in enumerate(questions, start=2):
        for column, value in enumerate(question_row(question), start=1):
            cell = _set_text(sheet, row, column, value)
            cell.alignment = wrap
            if font is not None:
                cell.font = font


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dump_xlsx(questions: Sequence[Question], title: str) -> bytes:
    """An .xlsx workbook holding the questions, with the bank title in its properties."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    _layout(sheet)
    _write_rows(sheet, questions)
    book.properties.title = title
    return _save(book)


EXAMPLE = Question(
    text=(
        "Ví dụ: Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030 "
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
    explanation=(
        "Ngày 03/6/2020, Thủ tướng Chính phủ ký Quyết định số 749/QĐ-TTg phê duyệt "
        "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030."
    ),
)

GUIDE = (
    "Cách điền ngân hàng câu hỏi",
    "",
    "• Mỗi dòng của trang 'Câu hỏi' là một câu hỏi; giữ nguyên dòng tiêu đề cột.",
    "• Dòng bắt đầu bằng 'Ví dụ:' chỉ để tham khảo và luôn bị bỏ qua khi nạp; "
    "có thể xoá hoặc để nguyên.",
    "• Cần ít nhất 2 phương án (Đáp án A, Đáp án B); C–F để trống nếu không dùng, "
    "nhưng không bỏ trống giữa chừng (ví dụ có D mà thiếu C).",
    "• Cột 'Đáp án đúng' ghi một chữ cái (A–F), hoặc số thứ tự (1–6), "
    "hoặc chép đúng nội dung phương án đúng. Mỗi câu chỉ có một đáp án đúng.",
    "• 'Nguồn' ghi văn bản làm căn cứ; 'Chủ đề' để nhóm câu hỏi. Hai cột này không bắt buộc.",
    "• 'Giải thích' (không bắt buộc, tối đa 800 ký tự) nói vì sao đáp án đúng; người dự thi "
    "đọc được khi thi thử và khi xem đáp án sau khi đợt thi đã có kết quả, không bao giờ "
    "trong lúc đợt thi đang diễn ra.",
    "• 'Ảnh' (không bắt buộc) ghi tên tệp ảnh của câu hỏi, ví dụ images/cau-1.png; khi đó gửi "
    "tệp .zip gồm bảng tính này và thư mục images/ chứa ảnh (PNG hoặc JPEG, mỗi ảnh tối đa "
    "1024 KB).",
    "• Không để hai câu hỏi trùng nội dung. Tối đa 5000 câu hỏi, tệp không quá 5 MB.",
)


def template_xlsx() -> bytes:
    """An empty bank: headers, one example row that loading skips, and a guide sheet."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    _layout(sheet)
    _write_rows(sheet, [EXAMPLE], font=Font(italic=True, color="808080"))
    guide = book.create_sheet("Hướng dẫn")
    guide.column_dimensions["A"].width = 110
    for row, line in enumerate(GUIDE, start=1):
        cell = _set_text(guide, row, 1, line)
        cell.alignment = Alignment(wrap_text=True)
        if row == 1:
            cell.font = Font(bold=True, size=13)
    return _save(book)
