"""Pieces shared by the bank formats: text clean-up, answer parsing and parsed entries."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from questions.model import (
    LETTERS,
    MAX_OPTIONS,
    MIN_OPTIONS,
    Question,
    QuestionError,
    validate_question,
)

MAX_QUESTIONS = 5000

# (where inside the file, problem): where is "dòng 5" / "câu 4", or "" for the whole file.
Problem = tuple[str, str]


@dataclass(slots=True)
class Entry:
    """One question as read from a file, where it starts and every problem found in it."""

    ref: str
    question: Question
    problems: list[Problem] = field(default_factory=list)


@dataclass(slots=True)
class Parsed:
    """What a format reader found in a file, before the checks that span the whole bank.

    Readers build at most MAX_QUESTIONS entries and only count the questions past that
    in `extra`, so a huge file costs no more than the limit plus a scan.
    """

    entries: list[Entry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    name: str = ""
    title: str = ""
    skipped_examples: int = 0
    extra: int = 0

    def past_limit(self) -> bool:
        """True (and the question counted in `extra`) once MAX_QUESTIONS entries are built."""
        if len(self.entries) < MAX_QUESTIONS:
            return False
        self.extra += 1
        return True


# C0 controls other than tab and newline cannot be stored in XLSX (XML) and are never
# meant as content; they arrive from text pasted out of Word or PDF viewers.
_CONTROL = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f]")
# str.strip() keeps zero-width spaces and stray byte-order marks, which look like
# nothing on screen but would make two equal questions compare different.
_EDGES = re.compile(r"^[\s\u200b\ufeff]+|[\s\u200b\ufeff]+$")


def clean_text(value: str) -> str:
    """Normalise a value as typed: NFC, one kind of line break, no stray controls, ends stripped."""
    # Word's manual line break pastes as a vertical tab; it means a new line.
    text = value.replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n")
    text = _CONTROL.sub("", text)
    return _EDGES.sub("", unicodedata.normalize("NFC", text))


def fold(text: str) -> str:
    """Lower-case words without Vietnamese diacritics or punctuation, for matching headers."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", bare.casefold()).split())


def same_text_key(text: str) -> str:
    """Key under which two texts count as the same (case and spacing ignored)."""
    return " ".join(text.split()).casefold()


def number_text(value: float) -> str:
    """A number as a Vietnamese reader writes it: 2025 not 2025.0, and 3,14 with a comma."""
    if isinstance(value, int):
        return str(value)
    if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    # Excel keeps 15 significant digits; more would show binary noise (0.30000000000000004).
    return f"{value:.15g}".replace(".", ",")


def shorten(value: str, limit: int = 40) -> str:
    """The value cut to a length that fits in a one-line message."""
    one_line = " ".join(value.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1] + "…"


def _letters_hint(n: int) -> str:
    if n <= 0:
        return ""
    last = LETTERS[min(n, len(LETTERS)) - 1]
    return " (chỉ có A)" if n == 1 else f" (chỉ có A–{last})"


def _match_option_text(value: str, options: Sequence[str]) -> int | None:
    for i, option in enumerate(options):
        if option and option == value:
            return i
    # validate_question forbids options equal under this key, so a match is unique.
    key = same_text_key(value)
    for i, option in enumerate(options):
        if option and same_text_key(option) == key:
            return i
    return None


_SEVERAL = re.compile(r"^[A-Fa-f1-6](?:\s*(?:[,;/&+]|\bvà\b|\band\b)?\s*[A-Fa-f1-6])+$")


def resolve_answer(raw: str, options: Sequence[str]) -> int:
    """Index of the correct option from a letter (A–F), a number (1–6) or the option's text.

    A letter always means a position, so banks written with letters read back exactly.
    Raises QuestionError with a Vietnamese message when the answer cannot be resolved.
    """
    value = raw.strip()
    if not value:
        raise QuestionError("thiếu đáp án đúng")
    shown = shorten(value)
    n = len(options)
    by_text = _match_option_text(value, options)
    is_letter = len(value) == 1 and value.isascii() and value.isalpha()
    is_number = value.isascii() and value.isdigit()
    if is_letter or is_number:
        position = ord(value.upper()) - ord("A") if is_letter else int(value) - 1
        if 0 <= position < n:
            if is_number and by_text is not None and by_text != position:
                raise QuestionError(
                    f"đáp án đúng '{shown}' không rõ: có thể là phương án thứ {value} "
                    f"({LETTERS[position]}) hoặc phương án {LETTERS[by_text]} có nội dung "
                    f"'{shown}'; hãy ghi đáp án bằng chữ cái"
                )
            return position
        if by_text is not None:
            return by_text
        raise QuestionError(f"đáp án đúng '{shown}' không có trong các phương án{_letters_hint(n)}")
    if by_text is not None:
        return by_text
    if _SEVERAL.match(value):
        raise QuestionError(
            f"có nhiều hơn một đáp án đúng ('{shown}'); mỗi câu chỉ được có một đáp án đúng"
        )
    raise QuestionError(
        f"đáp án đúng '{shown}' không phải chữ cái (A–F), số thứ tự (1–6) "
        "hay nội dung của phương án nào"
    )


def build_entry(
    ref: str,
    *,
    text: str,
    options: Sequence[str],
    answer: str,
    source: str = "",
    topic: str = "",
    explanation: str = "",
    image: str = "",
    answer_ref: str = "",
    option_count: int | None = None,
) -> Entry:
    """Make a question from cleaned values and collect every problem it has.

    `option_count` is how many options the file gave when a reader kept only the first few.
    """
    problems: list[Problem] = []
    count = len(options) if option_count is None else option_count
    if count > MAX_OPTIONS:
        # Said once; the options past the limit are not checked one by one (a file repeating
        # a long list of options would otherwise make a problem of each).
        problems.append((ref, f"có {count} phương án, cần từ {MIN_OPTIONS} đến {MAX_OPTIONS}"))
        options = options[:MAX_OPTIONS]
    try:
        correct = resolve_answer(answer, options)
    except QuestionError as exc:
        answer_problem: Problem | None = (answer_ref or ref, exc.problem)
        # 0 is always "in range" for validate_question, so it adds no second answer message.
        correct = 0
    else:
        answer_problem = None
    question = Question(
        text=text,
        options=tuple(options),
        correct=correct,
        source=source,
        topic=topic,
        explanation=explanation,
        image=image,
    )
    problems.extend((ref, p) for p in validate_question(question))
    if answer_problem is not None:
        problems.append(answer_problem)
    return Entry(ref, question, problems)


def decode_text(data: bytes, hint: str) -> str:
    """Decode a text file (UTF-8 with or without BOM, or UTF-16 with BOM).

    Raises QuestionError naming the first bad line; `hint` says how to save the file properly.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise QuestionError(f"tệp không đọc được theo bảng mã UTF-16; {hint}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise QuestionError(
            f"tệp không dùng bảng mã UTF-8 nên chữ tiếng Việt sẽ bị lỗi; {hint}",
            where=f"dòng {line}",
        ) from None
