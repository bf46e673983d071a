"""How the workbook's sheets look: header rows, column widths, number formats; and text cells
that stay text whatever they start with."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from questions.formats.formulas import looks_like_formula

DATETIME_FORMAT = "dd/mm/yyyy hh:mm:ss"
DATE_FORMAT = "dd/mm/yyyy"
PERCENT_FORMAT = "0.0%"


def as_text(cell: Cell) -> Cell:
    """The cell kept as the text it holds when that text starts like a formula.

    openpyxl makes text that starts with "=" a formula; Excel's quote prefix keeps any such
    text (see questions.formats.formulas) text when someone edits the cell.
    """
    if isinstance(cell.value, str) and looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def append(ws: Worksheet, values: Sequence[object]) -> None:
    """Append a row of values; every text in it is written as text."""
    ws.append(
        [
            as_text(Cell(ws, value=v)) if isinstance(v, str) and looks_like_formula(v) else v
            for v in values
        ]
    )


def put(ws: Worksheet, row: int, column: int, value: object) -> Cell:
    """Set one cell's value; text is written as text."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    return as_text(cell)


def bold_row(ws: Worksheet, values: list[str]) -> None:
    """Append a row in bold, wrapped, as a table's header or a section's title."""
    append(ws, values)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def widths(ws: Worksheet, columns: list[int]) -> None:
    """Set the widths of the first columns, in characters."""
    for i, width in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def header_row(ws: Worksheet, headers: list[str], columns: list[int]) -> None:
    """The sheet's first row: bold headers kept in view when scrolling and repeated on every
    printed page, and column widths."""
    bold_row(ws, headers)
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    widths(ws, columns)


def printable(ws: Worksheet) -> None:
    """Print on A4 landscape, as wide as the page and as many pages long as it takes."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def number_format(ws: Worksheet, column: int, fmt: str, *, first_row: int = 2) -> None:
    """Give a column's cells from `first_row` down a number format.

    Done once per column after the rows are written: asking openpyxl for the last row after
    every append walks every cell, which makes large sheets quadratic.
    """
    for (cell,) in ws.iter_rows(min_row=first_row, min_col=column, max_col=column):
        cell.number_format = fmt
