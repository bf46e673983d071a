"""Question banks: load them from XLSX, CSV, Aiken (.txt) or YAML files, and write them back.

Loading is all or nothing: every problem in every row is collected and reported at once
in a BankError, and no partial bank is ever returned. In a file over the question limit
only the first MAX_QUESTIONS questions are checked row by row.

The XLSX template from write_template() carries one example row whose question starts
with "Ví dụ:". XLSX and CSV loading always skips such rows, so an organiser may leave
the example in place; a template with only the example row fails with "tệp chưa có câu
hỏi nào (dòng ví dụ được bỏ qua)".
"""

from __future__ import annotations

import importlib
import math
import os
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from types import ModuleType

from questions.formats import aiken, csvfile, table, yamlfile
from questions.formats.common import MAX_QUESTIONS as MAX_QUESTIONS
from questions.formats.common import Parsed, same_text_key
from questions.images import image_problem, open_zip, read_beside
from questions.model import Question

# Reads an image a bank names (None: not there).
ImageReader = Callable[[str], bytes | None]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILE_MB = MAX_FILE_BYTES // (1024 * 1024)
# Problems kept for the message; past these only their number is.
MAX_PROBLEMS = 200


@dataclass
class Bank:
    """A named set of questions as loaded from one file."""

    name: str
    title: str
    questions: list[Question]
    # The pictures its questions name, by the name they give (checked: PNG or JPEG, size).
    images: dict[str, bytes] = field(default_factory=dict)


class BankError(Exception):
    """A bank file that cannot be loaded or written.

    `problems` lists the first MAX_PROBLEMS (where, problem) found, `more` counts the rest:
    a file with a million faults costs a million counts, not a million messages.
    """

    def __init__(self, problems: Iterable[tuple[str, str]], *, more: int = 0) -> None:
        self.problems: list[tuple[str, str]] = []
        self.more = more
        for problem in problems:
            if len(self.problems) < MAX_PROBLEMS:
                self.problems.append(problem)
            else:
                self.more += 1
        super().__init__(self.summary(MAX_PROBLEMS))

    @property
    def total(self) -> int:
        """How many problems were found, listed or not."""
        return len(self.problems) + self.more

    def summary(self, limit: int = 20) -> str:
        """The first `limit` problems, one per line, then how many more there are."""
        lines = [_line(where, problem) for where, problem in self.problems[:limit]]
        rest = self.total - len(lines)
        if rest > 0:
            lines.append(f"… và {rest} lỗi khác")
        return "\n".join(lines)


def _line(where: str, problem: str) -> str:
    return f"{where}: {problem}" if where else problem


@dataclass(frozen=True)
class _Format:
    read: Callable[[bytes], Parsed]
    dump: Callable[[Sequence[Question], str, str], bytes]
    unwritable: Callable[[Sequence[Question]], list[tuple[int, str]]]


_FORMATS: dict[str, _Format] = {
    ".xlsx": _Format(
        lambda data: _xlsx().read_xlsx(data),
        lambda qs, name, title: _xlsx().dump_xlsx(qs, title),
        table.unwritable,
    ),
    ".csv": _Format(
        csvfile.read_csv, lambda qs, name, title: csvfile.dump_csv(qs), table.unwritable
    ),
    ".txt": _Format(
        aiken.read_aiken, lambda qs, name, title: aiken.dump_aiken(qs), aiken.unwritable
    ),
    ".yaml": _Format(yamlfile.read_yaml, yamlfile.dump_yaml, lambda qs: []),
    ".yml": _Format(yamlfile.read_yaml, yamlfile.dump_yaml, lambda qs: []),
}


def _xlsx() -> ModuleType:
    """The XLSX format, imported when first used: openpyxl takes most of the time a process
    needs to start loading a bank, and a bank parsed in a child process pays it each time."""
    return importlib.import_module("questions.formats.xlsx")


_SUPPORTED = "hãy dùng .xlsx, .csv, .txt (Aiken) hoặc .yaml"


def _is_zip(filename: str) -> bool:
    return PurePath(filename).suffix.lower() == ".zip"


def _format_for(filename: str) -> _Format:
    suffix = PurePath(filename).suffix.lower()
    found = _FORMATS.get(suffix)
    if found is not None:
        return found
    if suffix == ".xls":
        problem = (
            "tệp Excel dạng cũ (.xls) không được hỗ trợ; "
            "hãy mở bằng Excel và lưu lại dưới dạng .xlsx"
        )
    elif suffix:
        problem = f"không hỗ trợ định dạng tệp '{suffix}'; {_SUPPORTED}"
    else:
        problem = f"tên tệp không có phần mở rộng nên không biết định dạng; {_SUPPORTED}"
    raise BankError([(filename, problem)])


def _check_size(filename: str, size: int) -> None:
    if size > MAX_FILE_BYTES:
        # Rounded up so a file just over the limit never reads as "5,0 MB".
        megabytes = math.ceil(size * 10 / (1024 * 1024)) / 10
        shown = f"{megabytes:.1f}".replace(".", ",")
        raise BankError([(filename, f"tệp quá lớn ({shown} MB), tối đa {MAX_FILE_MB} MB")])


def _bank_from(parsed: Parsed, filename: str, name: str) -> Bank:
    def where(ref: str) -> str:
        return f"{filename}, {ref}" if ref else filename

    problems = [(where(ref), problem) for ref, problem in parsed.problems]
    first_seen: dict[str, str] = {}
    for entry in parsed.entries:
        problems.extend((where(ref), problem) for ref, problem in entry.problems)
        key = same_text_key(entry.question.text)
        if not key:
            continue
        if key in first_seen:
            problems.append((where(entry.ref), f"câu hỏi trùng với {first_seen[key]}"))
        else:
            first_seen[key] = entry.ref
    count = len(parsed.entries) + parsed.extra
    if count > MAX_QUESTIONS:
        problems.insert(0, (filename, f"tệp có {count} câu hỏi, tối đa {MAX_QUESTIONS}"))
    if count == 0 and not problems:
        skipped = " (dòng ví dụ được bỏ qua)" if parsed.skipped_examples else ""
        problems.append((filename, f"tệp chưa có câu hỏi nào{skipped}"))
    if problems:
        raise BankError(problems)
    return Bank(
        name=name or parsed.name,
        title=parsed.title or name or parsed.name,
        questions=[entry.question for entry in parsed.entries],
    )


def load_bank_bytes(
    data: bytes,
    filename: str,
    *,
    name: str | None = None,
    images: ImageReader | None = None,
    with_pictures: bool = True,
) -> Bank:
    """Load a bank from an uploaded file's bytes; the filename picks the format. A .zip holds
    the bank file and the images/ folder of its pictures; `images` reads the pictures a bank
    file names (none: a bank file alone cannot have pictures). `with_pictures=False` leaves
    them unread (a child process parsing for a parent that has them).

    The name is, in order: `name`, the YAML `bank` key, the file's stem.
    """
    filename = check_upload(data, filename)
    if _is_zip(filename):
        contents = open_zip(data, MAX_FILE_BYTES)
        if isinstance(contents, str):
            raise BankError([(filename, contents)])
        return load_bank_bytes(
            contents.bank_data, contents.bank_name, name=name, images=contents.read
        )
    bank = _bank_from(_format_for(filename).read(data), filename, name or "")
    if not bank.name:
        bank.name = PurePath(filename).stem
        bank.title = bank.title or bank.name
    return with_images(bank, filename, images) if with_pictures else bank


def with_images(bank: Bank, filename: str, images: ImageReader | None) -> Bank:
    """The bank with the pictures its questions name, read and checked; BankError naming every
    picture missing, too large or not PNG/JPEG."""
    names = sorted({q.image for q in bank.questions if q.image})
    if not names:
        return bank
    if images is None:
        raise BankError(
            [
                (
                    filename,
                    f"câu hỏi có ảnh ('{names[0]}') nhưng ảnh không được gửi kèm; hãy gửi tệp "
                    ".zip gồm tệp ngân hàng câu hỏi và thư mục images/ chứa ảnh",
                )
            ]
        )
    problems = []
    for image in names:
        data = images(image)
        problem = image_problem(image, data)
        if problem is not None:
            problems.append((filename, problem))
        elif data is not None:
            bank.images[image] = data
    if problems:
        raise BankError(problems)
    return bank


def read_bank_file(path: Path) -> tuple[str, bytes]:
    """The file's name and bytes, once its format and size allow loading it as a bank."""
    filename = unicodedata.normalize("NFC", path.name)
    if not _is_zip(filename):
        _format_for(filename)
    try:
        # Checked before reading so an oversized file is refused without parsing it.
        _check_size(filename, path.stat().st_size)
        with path.open("rb") as file:
            data = file.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise BankError([(filename, "không tìm thấy tệp")]) from None
    except IsADirectoryError:
        raise BankError([(filename, "đây là thư mục, không phải tệp")]) from None
    except PermissionError:
        raise BankError([(filename, "không có quyền đọc tệp")]) from None
    except OSError:
        raise BankError([(filename, "không đọc được tệp")]) from None
    return filename, data


def check_upload(data: bytes, filename: str) -> str:
    """The upload's clean file name, once its format and size allow loading it as a bank
    (what can be refused before reading a byte of it)."""
    filename = unicodedata.normalize("NFC", PurePath(filename).name)
    if not _is_zip(filename):
        _format_for(filename)
    _check_size(filename, len(data))
    return filename


def load_bank(path: Path, *, name: str | None = None) -> Bank:
    """Load a bank from a file; raises BankError listing every problem found."""
    filename, data = read_bank_file(path)
    return load_bank_bytes(data, filename, name=name, images=lambda n: read_beside(path, n))


def write_bank_bytes(bank: Bank, filename: str) -> bytes:
    """The bank encoded in the format named by the filename's extension.

    Raises BankError when a question cannot be written faithfully in that format (for
    example a multi-line option in Aiken), so that loading the result gives back the
    same questions.
    """
    filename = PurePath(filename).name
    fmt = _format_for(filename)
    problems = fmt.unwritable(bank.questions)
    if problems:
        raise BankError([(f"{filename}, câu {i + 1}", problem) for i, problem in problems])
    return fmt.dump(bank.questions, bank.name, bank.title)


def _write_atomically(path: Path, data: bytes) -> None:
    # A bank being overwritten is never left half-written if the process dies.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_bank(bank: Bank, path: Path) -> None:
    """Write the bank to a file in the format named by its extension."""
    _write_atomically(path, write_bank_bytes(bank, path.name))


def template_bytes() -> bytes:
    """The empty XLSX bank template: headers, one skipped example row and a guide sheet."""
    data: bytes = _xlsx().template_xlsx()
    return data


def write_template(path: Path) -> None:
    """Write the empty XLSX bank template (see template_bytes) to an .xlsx path."""
    if path.suffix.lower() != ".xlsx":
        raise BankError([(path.name, "tệp mẫu là bảng tính nên tên tệp phải có đuôi .xlsx")])
    _write_atomically(path, template_bytes())
