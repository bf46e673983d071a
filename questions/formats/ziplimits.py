"""What an .xlsx archive may hold before openpyxl is let near it.

An .xlsx file is a zip of XML parts, and a small upload can unpack to far more work than its
size says: a zip bomb (a part that inflates a thousandfold), or a 67 KB file packed with
millions of tiny shared strings that openpyxl would read one by one. So before opening the
workbook every part is inflated once, as a stream, and measured:
- the parts' sizes, as the archive declares them and as they actually inflate;
- how many parts there are;
- how many shared strings (`<si>`) and cells (`<c>`) the XML holds, counted on the raw bytes.
A bank of 5,000 questions is about 55,000 cells and as many strings, some 25 MB unpacked,
so the limits leave room for a real bank while keeping openpyxl's work to seconds.
"""

from __future__ import annotations

import io
import re
import zipfile

MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_PARTS = 1_000
MAX_SHARED_STRINGS = 200_000
MAX_CELLS = 500_000
_CHUNK = 1024 * 1024
# Element starts, with or without a namespace prefix: <si>, <x:si ...>, <c r="A1" ...>.
_SHARED_STRING = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si[\s/>]")
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
# Longer than any match above could be, so a match cut by a chunk boundary is found whole.
_OVERLAP = 64

TOO_LARGE = "bảng tính sau khi giải nén quá lớn, không thể đọc"


def archive_problem(data: bytes) -> str | None:
    """Why this archive may not be opened as a workbook, or None when it may.

    Raises zipfile.BadZipFile when it is not a zip archive at all.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = archive.infolist()
        if len(parts) > MAX_PARTS:
            return f"bảng tính có {len(parts)} phần bên trong, tối đa {MAX_PARTS}"
        if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
            return TOO_LARGE
        counter = _Counter()
        for part in parts:
            problem = counter.read(archive, part)
            if problem is not None:
                return problem
    return None


class _Counter:
    """Inflates parts one chunk at a time, adding up their bytes, strings and cells."""

    def __init__(self) -> None:
        self.unpacked = 0
        self.strings = 0
        self.cells = 0

    def read(self, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> str | None:
        tail = b""
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                # zipfile stops at the declared size and checks the CRC: an archive that lies
                # about a size fails there (BadZipFile) rather than inflating on.
                self.unpacked += len(chunk)
                if self.unpacked > MAX_UNPACKED_BYTES:
                    return TOO_LARGE
                window = tail + chunk
                self.strings += _new_matches(_SHARED_STRING, window, len(tail))
                self.cells += _new_matches(_CELL, window, len(tail))
                if self.strings > MAX_SHARED_STRINGS:
                    return (
                        f"bảng tính có hơn {_number(MAX_SHARED_STRINGS)} chuỗi văn bản, "
                        "không phải một ngân hàng câu hỏi"
                    )
                if self.cells > MAX_CELLS:
                    return f"bảng tính có hơn {_number(MAX_CELLS)} ô, hãy xoá các dòng và cột thừa"
                tail = window[-_OVERLAP:]
        return None


def _number(n: int) -> str:
    """A whole number as Vietnamese writes it: 200.000."""
    return f"{n:,}".replace(",", ".")


def _new_matches(pattern: re.Pattern[bytes], window: bytes, seen: int) -> int:
    """Matches in `window` that do not lie wholly in its first `seen` bytes (counted before).

    The patterns start at "<" and never overlap, so the matches inside the first `seen`
    bytes are the same whether the scan stops there or goes on.
    """
    return len(pattern.findall(window)) - len(pattern.findall(window, 0, seen))
