"""Aiken banks (.txt), the plain-text format Moodle imports.

    Chương trình Chuyển đổi số quốc gia được phê duyệt theo quyết định nào?
    A. Quyết định số 749/QĐ-TTg
    B) Quyết định số 942/QĐ-TTg
    ANSWER: A
    SOURCE: Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ
    TOPIC: Chương trình chuyển đổi số quốc gia

The question text may span several lines; options start with a capital letter and "."
or ")" and follow in order from A; a blank line separates questions. Beyond Moodle:
ANSWER may also be a number (1–6) or the option's text, "ANSWER", "SOURCE" and "TOPIC"
are matched in any case, and the optional SOURCE and TOPIC lines right after ANSWER give
the question's source and topic. A line that starts with "A." always starts the options,
so a question text cannot contain such a line, nor a blank line. Aiken has no place for an
explanation: a bank with explanations is not written as Aiken (they would be lost).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from questions.formats.common import Parsed, Problem, build_entry, clean_text, decode_text
from questions.model import LETTERS, MAX_OPTIONS, Question, QuestionError

_OPTION = re.compile(r"^([A-Z])[.)](?:\s+(.*))?$")
_ANSWER = re.compile(r"^ANSWER\s*:\s*(.*)$", re.IGNORECASE)
_META = re.compile(r"^(SOURCE|TOPIC)\s*:\s*(.*)$", re.IGNORECASE)
_ENCODING_HINT = "hãy lưu lại với bảng mã UTF-8"


@dataclass(slots=True)
class _Block:
    start: int
    text_lines: list[str] = field(default_factory=list)
    options: list[str] = field(default_factory=list)
    more_options: int = 0  # past one too many, options are only counted
    answer: str = ""
    answer_line: int = 0
    meta: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def _starts_options(line: str) -> str | None:
    match = _OPTION.match(line)
    if match and match.group(1) == "A":
        return match.group(2) or ""
    return None


class _Reader:
    def __init__(self) -> None:
        self.parsed = Parsed()
        self.block: _Block | None = None

    def finish(self) -> None:
        block, self.block = self.block, None
        if block is None or self.parsed.past_limit():
            return
        entry = build_entry(
            f"dòng {block.start}",
            text=clean_text("\n".join(block.text_lines)),
            options=[clean_text(o) for o in block.options],
            option_count=len(block.options) + block.more_options,
            answer=clean_text(block.answer),
            source=clean_text(block.meta.get("SOURCE", "")),
            topic=clean_text(block.meta.get("TOPIC", "")),
            answer_ref=f"dòng {block.answer_line}" if block.answer_line else "",
        )
        entry.problems[:0] = block.problems
        self.parsed.entries.append(entry)

    def begin(self, number: int, raw: str) -> None:
        self.finish()
        self.block = _Block(number)
        first_option = _starts_options(raw.strip())
        if first_option is None:
            self.block.text_lines.append(raw)
        else:
            self.block.options.append(first_option)

    def feed(self, number: int, raw: str) -> None:
        line = raw.strip()
        block = self.block
        if not line:
            self.finish()
        elif block is None:
            self.begin(number, raw)
        elif block.answer_line:
            self._after_answer(block, number, line, raw)
        elif block.options:
            self._in_options(block, number, line, raw)
        else:
            first_option = _starts_options(line)
            if first_option is None:
                block.text_lines.append(raw)
            else:
                block.options.append(first_option)

    def _in_options(self, block: _Block, number: int, line: str, raw: str) -> None:
        ref = f"dòng {number}"
        answer = _ANSWER.match(line)
        if answer:
            block.answer, block.answer_line = answer.group(1), number
            return
        option = _OPTION.match(line)
        if option is None:
            block.problems.append(
                (
                    ref,
                    "sau các phương án phải là phương án tiếp theo (ví dụ "
                    f"'{LETTERS[min(len(block.options), MAX_OPTIONS - 1)]}. …') "
                    "hoặc dòng 'ANSWER: …'; dòng này được coi là câu hỏi mới",
                )
            )
            self.begin(number, raw)
            return
        letter = option.group(1)
        expected = len(block.options)
        # Past F the question has too many options, which validate_question reports.
        if expected < MAX_OPTIONS and letter != LETTERS[expected]:
            block.problems.append(
                (ref, f"phương án tiếp theo phải là {LETTERS[expected]}, dòng này ghi {letter}")
            )
        if expected > MAX_OPTIONS:
            block.more_options += 1
        else:
            block.options.append(option.group(2) or "")

    def _after_answer(self, block: _Block, number: int, line: str, raw: str) -> None:
        meta = _META.match(line)
        if meta is None:
            # Moodle does not require the blank line; the next question has begun.
            self.begin(number, raw)
            return
        key = meta.group(1).upper()
        if key in block.meta:
            block.problems.append((f"dòng {number}", f"dòng {key} bị lặp lại"))
        block.meta[key] = meta.group(2)


def read_aiken(data: bytes) -> Parsed:
    """Questions from an Aiken text file."""
    try:
        text = decode_text(data, _ENCODING_HINT)
    except QuestionError as exc:
        return Parsed(problems=[(exc.where, exc.problem)])
    reader = _Reader()
    for number, raw in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        reader.feed(number, raw.replace("\r", ""))
    reader.finish()
    return reader.parsed


def unwritable(questions: Sequence[Question]) -> list[tuple[int, str]]:
    """Questions Aiken cannot hold faithfully, as (index, problem)."""
    problems: list[tuple[int, str]] = []
    for i, q in enumerate(questions):
        lines = q.text.split("\n")
        if any(not line.strip() for line in lines):
            problems.append((i, "câu hỏi có dòng trống, định dạng Aiken không ghi được"))
        if any(_starts_options(line.strip()) is not None for line in lines):
            problems.append(
                (i, "câu hỏi có dòng bắt đầu bằng 'A.' hoặc 'A)', sẽ bị đọc thành phương án")
            )
        for letter, option in zip(LETTERS, q.options, strict=False):
            if "\n" in option:
                problems.append((i, f"phương án {letter} có nhiều dòng, Aiken không ghi được"))
        for label, value in (("nguồn", q.source), ("chủ đề", q.topic)):
            if "\n" in value:
                problems.append((i, f"{label} có nhiều dòng, Aiken không ghi được"))
        if q.image:
            problems.append((i, "câu hỏi có ảnh, định dạng Aiken không ghi được"))
        if q.explanation:
            problems.append(
                (
                    i,
                    "câu hỏi có phần giải thích, định dạng Aiken không ghi được; "
                    "hãy dùng .xlsx, .csv hoặc .yaml",
                )
            )
    return problems


def dump_aiken(questions: Sequence[Question]) -> bytes:
    """An Aiken text file holding the questions, UTF-8 without BOM (as Moodle expects)."""
    blocks: list[str] = []
    for q in questions:
        lines = [q.text]
        lines += [f"{letter}. {option}" for letter, option in zip(LETTERS, q.options, strict=False)]
        lines.append(f"ANSWER: {q.correct_letter}")
        if q.source:
            lines.append(f"SOURCE: {q.source}")
        if q.topic:
            lines.append(f"TOPIC: {q.topic}")
        blocks.append("\n".join(lines) + "\n")
    return "\n".join(blocks).encode("utf-8")
