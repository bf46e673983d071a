"""The workbook's long sheets written fast: rows straight to XML, spliced into the saved file.

openpyxl makes an object of every cell and writes about 3,000 rows of the detail sheet a
second; a round of 100,000 people has a million of them (ten answers each), which took five
minutes. So openpyxl still lays each long sheet out (header, widths, frozen header row, print
setup) but writes only its header and one sample row whose cells carry each column's style;
the rows themselves are then written here as XML text, their strings added to the workbook's
shared strings, and the sheet's data is replaced in the saved file. The sheet XML is
compressed in a second thread while the next rows are built (zlib lets go of the GIL).

XlsxWriter, the library made for large sheets, was tried in its constant_memory mode: it takes
a Python call per cell (sixteen per detail row) and wrote 100,000 detail rows in 14.5 s, so
about two and a half minutes for the million of a 100,000-person round, against 3-4 s here,
where a row is one %-format of cell XML prepared once per person and per question. Rows and
cells carry no `r` reference (SpreadsheetML makes it optional: a reader counts them).

Every text is a shared string, so a cell is never a formula whatever it holds; a text that
starts like one (`=`, `+`, `-`, `@`…, see questions.formats.formulas) also gets a style with
Excel's quote prefix, added to the workbook's styles, so that it stays text when edited.
"""

from __future__ import annotations

import io
import queue
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from itertools import islice
from zoneinfo import ZoneInfo

from questions.formats.formulas import looks_like_formula

# Cell values a long sheet holds: text, numbers, local date-times (naive), or nothing.
Value = str | int | float | datetime | None

# The most rows an Excel sheet holds, its header included.
EXCEL_ROWS = 1_048_576
_EXCEL_EPOCH = datetime(1899, 12, 30)
_DAY_SECONDS = 86400.0
DAY_MS = 86_400_000
_HOUR_MS = 3_600_000
# Milliseconds from Excel's day 0 (30/12/1899) to the Unix epoch.
EPOCH_MS = 25_569 * DAY_MS
_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Characters XML 1.0 cannot carry (openpyxl refuses them too).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SAMPLE_ROW = re.compile(rb'<row r="2"[^>]*>(.*?)</row>', re.S)
_CELL = re.compile(rb'<c r="([A-Z]+)2"([^>]*?)(?:/>|>)')
_STYLE = re.compile(rb's="(\d+)"')
# Rows handed to the compressing thread at a time: each handover waits for the GIL (up to the
# 5 ms switch interval while rows are being built), so the pieces are megabytes long.
_CHUNK_ROWS = 20000
_STRINGS = "xl/sharedStrings.xml"
_STYLES = "xl/styles.xml"
_CELL_XFS = re.compile(r'<cellXfs count="(\d+)">')
# The default cell format with Excel's quote prefix: text typed in it stays text.
_QUOTED_XF = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
_TYPES = "[Content_Types].xml"
_BOOK_RELS = "xl/_rels/workbook.xml.rels"
_EMPTY_STRINGS = (
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="0"></sst>'
)
_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
_STRINGS_REL = (
    b'<Relationship Id="rIdLongSheetStrings" Target="sharedStrings.xml" Type="http://'
    b'schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
)


def excel_serial(local: datetime) -> float:
    """A naive local date-time as Excel's day number (what openpyxl writes for one)."""
    return (local - _EXCEL_EPOCH).total_seconds() / _DAY_SECONDS


class LocalTime:
    """Instants given as milliseconds since the epoch, in a time zone, as Excel day numbers.

    A long sheet has a million instants: a datetime each took seconds. The zone's offset is
    looked up once per hour of UTC and checked at both ends of that hour; an hour in which
    the clocks change (no zone changes them twice in one hour) is worked out per instant.
    """

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self._hours: dict[int, int | None] = {}

    def offset(self, ms: int) -> int:
        """The zone's offset from UTC at an instant, in milliseconds."""
        hour = ms // _HOUR_MS
        try:
            offset = self._hours[hour]
        except KeyError:
            first, last = self._exact(hour * _HOUR_MS), self._exact((hour + 1) * _HOUR_MS - 1)
            offset = self._hours[hour] = first if first == last else None
        return self._exact(ms) if offset is None else offset

    def serial(self, ms: int) -> float:
        """The local date-time of an instant as Excel's day number."""
        return serial_of(ms + self.offset(ms))

    def datetime(self, ms: int) -> datetime:
        """The local date-time of an instant, naive (Excel has no time zones)."""
        return (_UNIX_EPOCH + timedelta(milliseconds=ms)).astimezone(self.tz).replace(tzinfo=None)

    def _exact(self, ms: int) -> int:
        offset = (_UNIX_EPOCH + timedelta(milliseconds=ms)).astimezone(self.tz).utcoffset()
        assert offset is not None
        return offset // timedelta(milliseconds=1)


def serial_of(local_ms: int) -> float:
    """Excel's day number of a local date-time given as milliseconds since 1/1/1970 00:00."""
    return (local_ms + EPOCH_MS) / DAY_MS


@dataclass
class SharedStrings:
    """Strings added to the workbook's shared string table, numbered after the existing ones.

    Each maps to the XML of a cell that holds it, made once; a text that starts like a
    formula gets the `quoted` style.
    """

    start: int = 0
    quoted: int | None = None
    index: dict[str, str] = field(default_factory=dict)

    def cell(self, text: str) -> str:
        """The XML of a cell holding `text`."""
        xml = self.index.get(text)
        if xml is None:
            number = self.start + len(self.index)
            if self.quoted is not None and looks_like_formula(text):
                xml = f'<c t="s" s="{self.quoted}"><v>{number}</v></c>'
            else:
                xml = f'<c t="s"><v>{number}</v></c>'
            self.index[text] = xml
        return xml

    def entries(self) -> Iterator[str]:
        """The added <si> entries, in number order."""
        for text in self.index:
            clean = escape(_ILLEGAL.sub("", text), quote=False)
            yield f'<si><t xml:space="preserve">{clean}</t></si>'


@dataclass
class LongSheet:
    """A sheet whose rows from the second on are written here.

    `rows` is given the sheet's CellWriter and yields the XML of whole rows (`<row>` elements,
    one or several at a time); the sheet in the saved workbook holds the header in row 1 and
    a sample row 2 (its first data row, with each column's style), which the rows replace.
    """

    title: str
    rows: Callable[[CellWriter], Iterable[str]]


class CellWriter:
    """Turns values into cell XML with the styles the sample row gave each column."""

    def __init__(self, strings: SharedStrings, styles: dict[int, int]) -> None:
        self.strings = strings
        self.styles = styles

    def row(self, values: Sequence[Value]) -> str:
        """The XML of a row of cells from the first column on."""
        return f"<row>{self.cells(values)}</row>"

    def cells(self, values: Sequence[Value], first_column: int = 1) -> str:
        """The XML of consecutive cells from `first_column` (1-based) on."""
        return "".join([self.cell(i, v) for i, v in enumerate(values, start=first_column)])

    def text(self, column: int, text: str) -> str:
        """The XML of a text cell of a column; empty text is an empty cell."""
        return self.strings.cell(text) if text else self.empty(column)

    def number(self, column: int) -> str:
        """The XML of a number cell of a column, the number left as `%r` for %-formatting."""
        style = self.styles.get(column)
        return f'<c s="{style}"><v>%r</v></c>' if style else "<c><v>%r</v></c>"

    def empty(self, column: int) -> str:
        """The XML of an empty cell of a column."""
        style = self.styles.get(column)
        return f'<c s="{style}"/>' if style else "<c/>"

    def cell(self, column: int, v: Value) -> str:
        """The XML of one cell of a column (1-based); empty text is an empty cell."""
        style = self.styles.get(column)
        if v is None or v == "":
            return f'<c s="{style}"/>' if style else "<c/>"
        if isinstance(v, str):
            return self.strings.cell(v)
        number = excel_serial(v) if isinstance(v, datetime) else v
        if style:
            return f'<c s="{style}"><v>{number!r}</v></c>'
        return f"<c><v>{number!r}</v></c>"


def splice(workbook: bytes, sheets: Sequence[LongSheet]) -> bytes:
    """The workbook with each long sheet's rows from the second on replaced by its `rows`."""
    src = zipfile.ZipFile(io.BytesIO(workbook))
    paths = _sheet_paths(src)
    # openpyxl writes its own strings inline, and a string table only when it has one.
    names = set(src.namelist())
    strings_xml = src.read(_STRINGS).decode("utf-8") if _STRINGS in names else _EMPTY_STRINGS
    styles_xml, quoted = _with_quoted_style(src.read(_STYLES).decode("utf-8"))
    strings = SharedStrings(start=strings_xml.count("<si>"), quoted=quoted)
    parts: dict[str, tuple[bytes, bytes, dict[int, int]]] = {}
    for sheet in sheets:
        parts[paths[sheet.title]] = _cut(src.read(paths[sheet.title]))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            if info.filename in parts or info.filename == _STRINGS:
                continue
            data = src.read(info.filename)
            if info.filename == _STYLES:
                data = styles_xml.encode("utf-8")
            if _STRINGS not in names and info.filename == _TYPES:
                data = data.replace(b"</Types>", _STRINGS_TYPE + b"</Types>")
            if _STRINGS not in names and info.filename == _BOOK_RELS:
                data = data.replace(b"</Relationships>", _STRINGS_REL + b"</Relationships>")
            dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
        for sheet in sheets:
            head, tail, styles = parts[paths[sheet.title]]
            rows = sheet.rows(CellWriter(strings, styles))
            _write_sheet(dst, paths[sheet.title], head, tail, rows)
        dst.writestr(_STRINGS, _merged_strings(strings_xml, strings))
    return out.getvalue()


def _with_quoted_style(styles: str) -> tuple[str, int]:
    """The stylesheet with a quote-prefixed cell format added, and that format's number."""
    found = _CELL_XFS.search(styles)
    if found is None:
        raise ValueError("the workbook's stylesheet has no cell formats")
    count = int(found.group(1))
    end = styles.index("</cellXfs>", found.end())
    added = styles[:end] + _QUOTED_XF + styles[end:]
    return _CELL_XFS.sub(f'<cellXfs count="{count + 1}">', added, count=1), count


def _attributes(tag: str) -> dict[str, str]:
    return dict(re.findall(r'([\w:]+)="([^"]*)"', tag))


def _sheet_paths(src: zipfile.ZipFile) -> dict[str, str]:
    """Each sheet's title -> its XML file in the package."""
    book = src.read("xl/workbook.xml").decode("utf-8")
    rels = src.read(_BOOK_RELS).decode("utf-8")
    targets = {}
    for tag in re.findall(r"<Relationship [^>]*>", rels):
        a = _attributes(tag)
        target = a["Target"].lstrip("/")
        targets[a["Id"]] = target if target.startswith("xl/") else f"xl/{target}"
    out = {}
    for tag in re.findall(r"<sheet [^>]*>", book):
        a = _attributes(tag)
        out[_unescape(a["name"])] = targets[a["r:id"]]
    return out


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


def _cut(xml: bytes) -> tuple[bytes, bytes, dict[int, int]]:
    """(XML up to the sample row, XML from the end of the sheet data, style per column)."""
    sample = _SAMPLE_ROW.search(xml)
    if sample is None:
        raise ValueError("a long sheet needs its sample row 2")
    styles: dict[int, int] = {}
    for cell in _CELL.finditer(sample.group(1)):
        style = _STYLE.search(cell.group(2))
        if style is not None:
            styles[_column_index(cell.group(1).decode())] = int(style.group(1))
    end = xml.index(b"</sheetData>")
    # The dimension is only a hint to readers; the rows say where the data ends.
    head = re.sub(rb'<dimension ref="[^"]*"\s*/>', b"", xml[: sample.start()], count=1)
    return head, xml[end:], styles


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _write_sheet(
    dst: zipfile.ZipFile, path: str, head: bytes, tail: bytes, rows: Iterable[str]
) -> None:
    """Stream a sheet into the package: rows built here, compressed in a second thread."""
    chunks: queue.Queue[bytes | None] = queue.Queue(maxsize=8)
    failed: list[BaseException] = []

    with dst.open(path, "w", force_zip64=True) as entry:

        def compress() -> None:
            try:
                while (chunk := chunks.get()) is not None:
                    entry.write(chunk)
            except BaseException as exc:  # handed to the building thread below
                failed.append(exc)
                while chunks.get() is not None:
                    pass

        worker = threading.Thread(target=compress, name="xlsx-compress")
        worker.start()
        try:
            chunks.put(head)
            pieces = iter(rows)
            while chunk := "".join(islice(pieces, _CHUNK_ROWS)):
                chunks.put(chunk.encode("utf-8"))
            chunks.put(tail)
        finally:
            chunks.put(None)
            worker.join()
    if failed:
        raise failed[0]


def _merged_strings(original: str, added: SharedStrings) -> str:
    """The shared string table with the added strings after the existing ones."""
    total = added.start + len(added.index)
    body = original[: original.rindex("</sst>")] + "".join(added.entries()) + "</sst>"
    body = re.sub(r' count="\d+"', "", body, count=1)
    return re.sub(r'uniqueCount="\d+"', f'uniqueCount="{total}"', body, count=1)
