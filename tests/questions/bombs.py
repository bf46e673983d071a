"""Small bank files that cost far more than their size, built the way an attacker would.

- `alias_bomb`: a ~200 KB YAML bank whose 5,000 questions share one list of 600 equal
  options through an alias (it took the bot to about 2 GB and 3 million error lines).
- `shared_strings_xlsx`: a workbook of a few tens of KB whose shared-string table holds two
  million one-letter strings (24-31 s of CPU in openpyxl).
- `zip_bomb_xlsx`: a workbook with one part that inflates a thousandfold; `lying` declares
  that part as small.
- `cells_xlsx`: a sheet of a million cells holding nothing.
And `largest_bank_xlsx`, what a real bank at the limits looks like: 5,000 long questions with
six options, in shared strings as Excel writes them (about 1 MB packed, 8 MB unpacked).
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from xml.sax.saxutils import escape

_OOXML = "http://schemas.openxmlformats.org"
_SPREADSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_RELATIONSHIP = f"{_OOXML}/officeDocument/2006/relationships"
_MAIN = f"{_OOXML}/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    f'<Types xmlns="{_OOXML}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SPREADSHEET}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_SPREADSHEET}.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    f'ContentType="{_SPREADSHEET}.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    f'<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<workbook xmlns="{_MAIN}" xmlns:r="{_RELATIONSHIP}">'
    '<sheets><sheet name="Câu hỏi" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONSHIP}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
HEADERS = ("Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án đúng")


def alias_bomb(questions: int = 5000, options: int = 600) -> bytes:
    """One list of options, named once with an anchor and repeated by every question."""
    listed = "  - Có\n" * options  # each repeat is one more problem per question
    items = "".join(f"  - {{text: Câu {n}?, options: *o, answer: A}}\n" for n in range(questions))
    return f"bank: bom\noptions: &o\n{listed}questions:\n{items}".encode()


def _sheet(rows: list[list[str]]) -> str:
    """A sheet of inline-string cells."""
    body = "".join(
        f'<row r="{r}">'
        + "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in row)
        + "</row>"
        for r, row in enumerate(rows, start=1)
    )
    return f'<worksheet xmlns="{_MAIN}"><sheetData>{body}</sheetData></worksheet>'


def _xlsx(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        base = {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": _RELS,
            "xl/workbook.xml": _WORKBOOK,
            "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
            "xl/sharedStrings.xml": f'<sst xmlns="{_MAIN}" count="0" uniqueCount="0"/>',
        }
        for name, content in (base | parts).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def shared_strings_xlsx(strings: int = 2_000_000) -> bytes:
    """A real header row, then a shared-string table of `strings` one-letter strings."""
    table = f'<sst xmlns="{_MAIN}" count="{strings}" uniqueCount="{strings}">'
    table += "<si><t>a</t></si>" * strings + "</sst>"
    return _xlsx(
        {"xl/worksheets/sheet1.xml": _sheet([list(HEADERS)]), "xl/sharedStrings.xml": table}
    )


def zip_bomb_xlsx(unpacked: int = 64 * 1024**2, *, lying: bool = False) -> bytes:
    """A valid little sheet beside a part of `unpacked` spaces (about 1 KB per MB packed).

    `lying`: the archive declares the big part as 1,000 bytes, in both of its headers.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", _sheet([list(HEADERS)]))
        with archive.open("xl/media/padding.bin", "w", force_zip64=True) as part:
            chunk = b" " * (1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                part.write(chunk)
    data = buffer.getvalue()
    return _declare_small(data, b"xl/media/padding.bin") if lying else data


def _declare_small(data: bytes, name: bytes, size: int = 1000) -> bytes:
    """The archive with `name`'s uncompressed size written as `size` in its central directory
    (zipfile reads sizes from there), the zip64 extra field dropped to a plain size."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at != -1:
        name_length, extra_length = struct.unpack_from("<HH", out, at + 28)
        if bytes(out[at + 46 : at + 46 + name_length]) == name:
            extra = at + 46 + name_length
            # Zip64: sizes live in the extra field; rewrite the 8-byte uncompressed size there.
            header_id, _ = struct.unpack_from("<HH", out, extra)
            if header_id == 0x0001:
                struct.pack_into("<Q", out, extra + 4, size)
            else:
                struct.pack_into("<I", out, at + 24, size)
            return bytes(out)
        at = out.find(b"PK\x01\x02", at + 46 + name_length + extra_length)
    raise AssertionError(f"{name!r} is not in the archive")


def cells_xlsx(rows: int = 20_000, columns: int = 50) -> bytes:
    """A header row, then rows of empty styled cells (what formatting whole columns leaves)."""
    empty = "".join('<c s="0"/>' for _ in range(columns))
    body = "".join(f'<row r="{r}">{empty}</row>' for r in range(2, rows + 2))
    header = "".join(f'<c t="inlineStr"><is><t>{h}</t></is></c>' for h in HEADERS)
    rows_xml = f'<row r="1">{header}</row>{body}'
    sheet = f'<worksheet xmlns="{_MAIN}"><sheetData>{rows_xml}</sheetData></worksheet>'
    return _xlsx({"xl/worksheets/sheet1.xml": sheet})


def largest_bank_xlsx(questions: int = 5000) -> bytes:
    """A valid bank of `questions` questions of about 400 characters, six options each."""
    rng = random.Random(5)
    words = ("chuyển", "đổi", "số", "quốc", "gia", "chính", "phủ", "điện", "tử", "dữ", "liệu")

    def words_of(n: int) -> str:
        return " ".join(rng.choice(words) for _ in range(n))

    strings = ["Câu hỏi", *(f"Đáp án {letter}" for letter in "ABCDEF"), "Đáp án đúng", "Nguồn"]
    for n in range(questions):
        strings.append(f"Câu {n}: {words_of(60)}?")
        strings += [f"{letter} {n} {words_of(16)}" for letter in "ABCDEF"]
        strings += ["ABCDEF"[n % 6], f"{n} {words_of(20)}"]
    table = f'<sst xmlns="{_MAIN}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    width = 9
    rows = "".join(
        f'<row r="{r + 1}">'
        + "".join(f'<c t="s"><v>{r * width + c}</v></c>' for c in range(width))
        + "</row>"
        for r in range(questions + 1)
    )
    sheet = f'<worksheet xmlns="{_MAIN}"><sheetData>{rows}</sheetData></worksheet>'
    return _xlsx({"xl/worksheets/sheet1.xml": sheet, "xl/sharedStrings.xml": table + "</sst>"})
