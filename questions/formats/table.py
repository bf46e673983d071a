"""The column layout shared by XLSX and CSV banks: headers, aliases and rows to questions.

The header row is the first row with anything in it. Headers match whatever the case,
surrounding spaces, punctuation or Vietnamese diacritics ("cau hoi" finds "Câu hỏi"),
and a few English names are accepted too. Columns we do not know are ignored, so an
"STT" numbering column is harmless; a row is skipped when every known column is empty.

A row whose question starts with "Ví dụ:" is the template's example and is skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from questions.formats.common import Parsed, build_entry, clean_text, fold
from questions.images import image_name
from questions.model import LETTERS, MAX_OPTIONS, Question

TEXT, ANSWER, SOURCE, TOPIC = "text", "answer", "source", "topic"
EXPLANATION, IMAGE = "explanation", "image"
# Field keys in column order; the option fields are the letters themselves.
FIELDS: tuple[str, ...] = (
    TEXT,
    *LETTERS[:MAX_OPTIONS],
    ANSWER,
    SOURCE,
    TOPIC,
    EXPLANATION,
    IMAGE,
)
HEADERS: dict[str, str] = {
    TEXT: "Câu hỏi",
    **{letter: f"Đáp án {letter}" for letter in LETTERS[:MAX_OPTIONS]},
    ANSWER: "Đáp án đúng",
    SOURCE: "Nguồn",
    TOPIC: "Chủ đề",
    EXPLANATION: "Giải thích",
    IMAGE: "Ảnh",
}
REQUIRED: tuple[str, ...] = (TEXT, "A", "B", ANSWER)
EXAMPLE_PREFIX = "Ví dụ:"


def _aliases() -> dict[str, str]:
    """Folded header spellings (see fold) and the field each one names."""
    aliases = {
        **{a: TEXT for a in ("cau hoi", "noi dung", "noi dung cau hoi", "question", "text")},
        **{a: ANSWER for a in ("dap an dung", "correct", "correct answer", "answer")},
        **{a: SOURCE for a in ("nguon", "nguon tham khao", "can cu", "source")},
        **{a: TOPIC for a in ("chu de", "linh vuc", "topic", "category")},
        **{a: EXPLANATION for a in ("giai thich", "loi giai", "explanation")},
        **{a: IMAGE for a in ("anh", "hinh anh", "image", "picture")},
    }
    for letter in LETTERS[:MAX_OPTIONS]:
        low = letter.lower()
        aliases[low] = letter
        for word in ("dap an", "phuong an", "lua chon", "option", "choice"):
            aliases[f"{word} {low}"] = letter
    return aliases


_ALIASES = _aliases()


def column_letter(index: int) -> str:
    """Spreadsheet column name for a 0-based index (0 → A, 26 → AA)."""
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(ord("A") + rest) + name
    return name


def header_score(cells: Sequence[str]) -> int:
    """How many cells of a row are headers we know; used to guess a CSV delimiter."""
    return sum(1 for cell in cells if fold(cell) in _ALIASES)


def is_example(text: str) -> bool:
    """Whether a question text marks the template's example row ("Ví dụ: ...", any case)."""
    head, colon, _ = text.partition(":")
    return bool(colon) and fold(head) == fold(EXAMPLE_PREFIX)


def _map_header(cells: Sequence[str]) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    problems: list[str] = []
    for index, cell in enumerate(cells):
        field = _ALIASES.get(fold(cell))
        if field is None:
            continue
        if field in columns:
            problems.append(
                f"cột '{HEADERS[field]}' có hai lần (cột {column_letter(columns[field])} "
                f"và cột {column_letter(index)})"
            )
        else:
            columns[field] = index
    missing = [HEADERS[f] for f in REQUIRED if f not in columns]
    if missing:
        problems.append(
            f"thiếu cột bắt buộc: {', '.join(missing)} "
            "(dòng đầu tiên có dữ liệu phải là dòng tiêu đề cột)"
        )
    return columns, problems


def read_table(rows: Iterable[tuple[int, Sequence[str]]]) -> Parsed:
    """Questions from numbered rows of raw cell texts, the first non-empty row being headers."""
    parsed = Parsed()
    columns: dict[str, int] | None = None
    for number, cells in rows:
        if columns is None:
            if not any(cell.strip() for cell in cells):
                continue
            columns, header_problems = _map_header([clean_text(c) for c in cells])
            if header_problems:
                parsed.problems.extend((f"dòng {number}", p) for p in header_problems)
                return parsed
            continue
        values = {f: clean_text(cells[i]) if i < len(cells) else "" for f, i in columns.items()}
        if not any(values.values()):
            continue
        text = values.get(TEXT, "")
        if is_example(text):
            parsed.skipped_examples += 1
            continue
        if parsed.past_limit():
            continue
        options = [values.get(letter, "") for letter in LETTERS[:MAX_OPTIONS]]
        while options and not options[-1]:
            options.pop()
        parsed.entries.append(
            build_entry(
                f"dòng {number}",
                text=text,
                options=options,
                answer=values.get(ANSWER, ""),
                source=values.get(SOURCE, ""),
                topic=values.get(TOPIC, ""),
                explanation=values.get(EXPLANATION, ""),
                image=image_name(values.get(IMAGE, "")),
            )
        )
    return parsed


def header_row() -> list[str]:
    """The header cells, in column order."""
    return [HEADERS[f] for f in FIELDS]


def question_row(question: Question) -> list[str]:
    """A question's cells, in the order of header_row()."""
    options = list(question.options) + [""] * (MAX_OPTIONS - len(question.options))
    return [
        question.text,
        *options,
        question.correct_letter,
        question.source,
        question.topic,
        question.explanation,
        question.image,
    ]


def unwritable(questions: Sequence[Question]) -> list[tuple[int, str]]:
    """Questions a table cannot hold faithfully, as (index, problem)."""
    return [
        (i, f"câu hỏi bắt đầu bằng '{EXAMPLE_PREFIX}' nên sẽ bị bỏ qua như dòng ví dụ khi nạp")
        for i, q in enumerate(questions)
        if is_example(q.text)
    ]
