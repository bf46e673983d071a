"""Pictures in questions: a question names an image file (YAML `image`, or the `Ảnh` column),
found beside the bank file on disk, or in the `images/` folder of a ZIP sent with it.

Only PNG and JPEG are taken (what Telegram shows as a photo and Zalo fetches by URL), checked
by their first bytes, not their names, and each at most MAX_IMAGE_BYTES.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path, PurePosixPath

MAX_IMAGE_BYTES = 1024 * 1024
MAX_IMAGE_KB = MAX_IMAGE_BYTES // 1024
# A ZIP holds the bank and its pictures: at most this many files.
MAX_ZIP_FILES = 5_001
BANK_SUFFIXES = (".xlsx", ".csv", ".txt", ".yaml", ".yml")
_KINDS = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpeg"}


def image_kind(data: bytes) -> str | None:
    """ "png" or "jpeg" from the file's first bytes, None for anything else."""
    for magic, kind in _KINDS.items():
        if data.startswith(magic):
            return kind
    return None


def image_name(value: str) -> str:
    """A picture's name in one spelling: "./images\\\\a.png" -> "images/a.png"."""
    parts = [p for p in value.replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts)


def image_problem(name: str, data: bytes | None) -> str | None:
    """Why an image cannot be used (in Vietnamese), or None when it can."""
    if data is None:
        return f"không tìm thấy ảnh '{name}'"
    if len(data) > MAX_IMAGE_BYTES:
        return f"ảnh '{name}' nặng {len(data) // 1024 + 1} KB, tối đa {MAX_IMAGE_KB} KB"
    if image_kind(data) is None:
        return f"ảnh '{name}' không phải ảnh PNG hay JPEG"
    return None


def read_beside(bank_file: Path, name: str) -> bytes | None:
    """The image a bank file on disk names, relative to the bank's folder (None if absent or
    outside it); a file too large is read only far enough to say so."""
    folder = bank_file.parent.resolve()
    path = (folder / name).resolve()
    if folder not in path.parents or not path.is_file():
        return None
    with path.open("rb") as file:
        return file.read(MAX_IMAGE_BYTES + 1)


class ZipContents:
    """A ZIP upload opened: its one bank file, and the pictures beside it read on demand (only
    those the bank names, each only as far as the size limit)."""

    def __init__(self, data: bytes, bank_name: str, bank_data: bytes, root: str) -> None:
        self._data = data
        self.bank_name = bank_name
        self.bank_data = bank_data
        self._root = root

    def read(self, name: str) -> bytes | None:
        """The image named as the bank names it (relative to the bank's folder), or None."""
        wanted = f"{self._root}/{name}" if self._root else name
        with zipfile.ZipFile(io.BytesIO(self._data)) as archive:
            for entry in archive.infolist():
                if not entry.is_dir() and image_name(entry.filename) == wanted:
                    with archive.open(entry) as file:
                        return file.read(MAX_IMAGE_BYTES + 1)
        return None


def open_zip(data: bytes, max_bank_bytes: int) -> ZipContents | str:
    """The bank file of a ZIP upload and a way to its images, or why it cannot be used.

    The bank is the one file with a bank's extension outside `images/`; a folder that wraps
    everything (a ZIP made of a folder) is looked through.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return "tệp .zip bị hỏng, không mở được"
    with archive:
        entries = [e for e in archive.infolist() if not e.is_dir()]
        if len(entries) > MAX_ZIP_FILES:
            return f"tệp .zip có {len(entries)} tệp bên trong, tối đa {MAX_ZIP_FILES}"
        names = {image_name(e.filename): e for e in entries}
        banks = [
            n
            for n in names
            if PurePosixPath(n).suffix.lower() in BANK_SUFFIXES and "images" not in n.split("/")
        ]
        if len(banks) != 1:
            found = ", ".join(sorted(banks)) or "không có"
            return (
                "tệp .zip cần đúng một tệp ngân hàng câu hỏi (.xlsx, .csv, .txt, .yaml) và thư "
                f"mục images/ chứa ảnh; tìm thấy: {found}"
            )
        bank = banks[0]
        with archive.open(names[bank]) as file:
            bank_data = file.read(max_bank_bytes + 1)
    return ZipContents(data, PurePosixPath(bank).name, bank_data, bank.rpartition("/")[0])
