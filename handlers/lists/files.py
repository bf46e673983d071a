"""Reading a list file: XLSX, CSV or YAML, prepared by the organisers.

XLSX and CSV: the first row names the columns, one entry a row below it.
    Tên        the entry's name (also accepted: Địa bàn, Đơn vị, Cơ quan, Name)
    Thuộc      the level above it, for a two-level list (also: Cấp trên, Parent); left blank
               under a row that has it, it is that row's (as merged cells read)
    Số người   the headcount, a whole number (also: Biên chế, Số lượng, Headcount)
Other columns (STT, notes) are ignored; blank rows are skipped. The XLSX list is the first
worksheet; CSV is UTF-8, separated by commas, semicolons or tabs.

YAML: a list of names (or of `{name: …, headcount: …}`) for one level, or a mapping from
each upper-level name to such a list for two.

Every problem is reported with its row (line, in YAML) and nothing of a bad file is used.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
import zipfile
from pathlib import Path
from typing import Any

import yaml
from openpyxl import load_workbook

from handlers.lists.names import Row
from questions.formats.common import decode_text, fold, number_text
from questions.formats.ziplimits import archive_problem
from questions.model import QuestionError

MAX_FILE_BYTES = 5 * 1024 * 1024
# Far past the entries a list may have (blank and formatted rows count too).
MAX_ROWS = 20_000
TOO_MANY_ROWS = f"tệp có hơn {MAX_ROWS:,} dòng (kể cả dòng trống); hãy xoá các dòng thừa".replace(
    ",", "."
)
MAX_COLUMNS = 30
NAME, PARENT, HEADCOUNT = "name", "parent", "headcount"
HEADERS = {
    NAME: ("ten", "dia ban", "don vi", "co quan", "name"),
    PARENT: ("thuoc", "cap tren", "parent"),
    HEADCOUNT: ("so nguoi", "bien che", "so luong", "headcount"),
}
_HEADER_OF = {alias: column for column, aliases in HEADERS.items() for alias in aliases}
DELIMITERS = (",", ";", "\t")
_ENCODING_HINT = "hãy lưu lại với bảng mã UTF-8 (trong Excel chọn kiểu 'CSV UTF-8')"
FORMATS = ".xlsx, .csv, .yaml"


class ListFileError(Exception):
    """A list file that cannot be used, with every problem found (where, what)."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{w}: {p}" if w else p for w, p in problems))
        self.problems = problems


def read_rows(path: Path) -> list[Row]:
    """The entries of a list file as written, before the checks of handlers.lists.names."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ListFileError([("", "không có tệp này")]) from None
    except OSError as exc:
        raise ListFileError([("", f"không đọc được tệp ({exc.strerror})")]) from None
    if len(data) > MAX_FILE_BYTES:
        raise ListFileError([("", f"tệp lớn hơn {MAX_FILE_BYTES // (1024 * 1024)} MB")])
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        return _table(_xlsx_cells(data))
    if suffix == ".csv":
        return _table(_csv_cells(data))
    if suffix in (".yaml", ".yml"):
        return _yaml_rows(data)
    raise ListFileError([("", f"định dạng tệp không hỗ trợ, dùng {FORMATS}")])


# ---------------------------------------------------------------- tables (XLSX, CSV)


def _table(cells: list[tuple[int, list[str]]]) -> list[Row]:
    """Rows under the header row, read by the columns it names."""
    filled = [(n, values) for n, values in cells if any(v.strip() for v in values)]
    if not filled:
        return []
    header_number, header = filled[0]
    columns: dict[str, int] = {}
    for i, title in enumerate(header):
        column = _HEADER_OF.get(fold(title))
        if column is not None and column not in columns:
            columns[column] = i
    if NAME not in columns:
        raise ListFileError(
            [(f"dòng {header_number}", "dòng đầu cần có cột «Tên» (tên địa bàn hoặc đơn vị)")]
        )

    def cell(values: list[str], column: str) -> str:
        at = columns.get(column)
        return values[at] if at is not None and at < len(values) else ""

    rows = []
    parent = ""
    problems = []
    for number, values in filled[1:]:
        where = f"dòng {number}"
        if PARENT in columns:
            parent = cell(values, PARENT).strip() or parent
            if not parent:
                problems.append((where, "thiếu «Thuộc» (tên cấp trên của mục này)"))
        rows.append(Row(where, cell(values, NAME), parent, cell(values, HEADCOUNT)))
    if problems:
        raise ListFileError(problems)
    return rows


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return number_text(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _xlsx_cells(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        too_much = archive_problem(data)
    except zipfile.BadZipFile:
        raise ListFileError([("", "tệp không phải là bảng tính Excel (.xlsx)")]) from None
    if too_much is not None:
        raise ListFileError([("", too_much)])
    with warnings.catch_warnings():
        # openpyxl warns about features it drops; none of them matter for reading values.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl\.")
        try:
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # openpyxl raises many types for a zip that is not a workbook
            raise ListFileError([("", "tệp không phải là bảng tính Excel (.xlsx)")]) from None
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()
            out = []
            rows = sheet.iter_rows(min_row=1, min_col=1, max_col=MAX_COLUMNS, values_only=True)
            for number, values in enumerate(rows, start=1):
                if number > MAX_ROWS:
                    raise ListFileError([("", TOO_MANY_ROWS)])
                out.append((number, [_cell_text(v) for v in values]))
            return out
        finally:
            book.close()


def _csv_cells(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        text = decode_text(data, _ENCODING_HINT)
    except QuestionError as exc:
        raise ListFileError([(exc.where, exc.problem)]) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    out: list[tuple[int, list[str]]] = []
    try:
        for number, record in enumerate(reader, start=1):
            if number > MAX_ROWS:
                raise ListFileError([("", TOO_MANY_ROWS)])
            out.append((number, record))
    except csv.Error:
        where = f"dòng {len(out) + 1}"
        raise ListFileError(
            [(where, 'không đọc được dòng này: kiểm tra dấu ngoặc kép (")')]
        ) from None
    return out


def _delimiter(text: str) -> str:
    """The delimiter that splits the first line into the most known column titles."""
    first = next((line for line in text.splitlines() if line.strip()), "")

    def known(delimiter: str) -> tuple[int, int]:
        titles = first.split(delimiter)
        return sum(fold(t) in _HEADER_OF for t in titles), len(titles)

    return max(DELIMITERS, key=known)


# ---------------------------------------------------------------- YAML


def _yaml_rows(data: bytes) -> list[Row]:
    try:
        node = yaml.compose(
            decode_text(data, "hãy lưu lại với bảng mã UTF-8"), Loader=yaml.SafeLoader
        )
    except QuestionError as exc:
        raise ListFileError([(exc.where, exc.problem)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"dòng {mark.line + 1}" if mark is not None else ""
        raise ListFileError(
            [(where, "lỗi cú pháp YAML (kiểm tra thụt lề, dấu hai chấm)")]
        ) from None
    if node is None:
        return []
    rows: list[Row] = []
    problems: list[tuple[str, str]] = []
    if isinstance(node, yaml.SequenceNode):
        _yaml_items(node, "", rows, problems)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode) or not isinstance(value, yaml.SequenceNode):
                problems.append((_line(key), "mỗi tên cấp trên cần một danh sách «- tên» bên dưới"))
                continue
            _yaml_items(value, key.value, rows, problems)
    else:
        problems.append(
            (
                "",
                "tệp cần là một danh sách «- tên», hoặc các tên cấp trên, mỗi tên với danh sách "
                "của nó",
            )
        )
    if problems:
        raise ListFileError(problems)
    return rows


def _yaml_items(
    node: yaml.SequenceNode, parent: str, rows: list[Row], problems: list[tuple[str, str]]
) -> None:
    for item in node.value:
        where = _line(item)
        if isinstance(item, yaml.ScalarNode):
            rows.append(Row(where, item.value, parent))
            continue
        fields = (
            {k.value: v for k, v in item.value if isinstance(k, yaml.ScalarNode)}
            if isinstance(item, yaml.MappingNode)
            else {}
        )
        unknown = sorted(set(fields) - {"name", "headcount"})
        values = {k: v.value for k, v in fields.items() if isinstance(v, yaml.ScalarNode)}
        if not fields or unknown or len(values) != len(fields):
            problems.append((where, "mỗi mục là một tên, hoặc «name: …» với «headcount: …»"))
            continue
        rows.append(Row(where, values.get("name", ""), parent, values.get("headcount", "")))


def _line(node: yaml.Node) -> str:
    return f"dòng {node.start_mark.line + 1}"
