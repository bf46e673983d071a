"""The question model and its validation rules."""

from __future__ import annotations

from dataclasses import dataclass

LETTERS = "ABCDEF"
MIN_OPTIONS = 2
MAX_OPTIONS = 6
DEFAULT_OPTIONS = 4

# A question is sent as one message: its text, then each option on a line of its own
# ("A. ..."), plus a line of guidance and the time left. Zalo caps a message at 2000
# characters and Telegram at 4096; the budget below keeps the rendered question under
# Zalo's cap with room for the header and footer lines the bot adds.
MAX_TEXT_CHARS = 1000
MAX_OPTION_CHARS = 300
MAX_RENDERED_CHARS = 1700
MAX_SOURCE_CHARS = 300
# An explanation is shown after a practice answer and in the answer review, under the
# question and its right answer: it must fit one Zalo message with them.
MAX_EXPLANATION_CHARS = 800


@dataclass(frozen=True, slots=True)
class Question:
    """One multiple-choice question: its text, options, the correct option, its source and
    why that option is right (shown once answering can no longer gain from it)."""

    text: str
    options: tuple[str, ...]
    correct: int
    source: str = ""
    topic: str = ""
    explanation: str = ""
    # The picture shown with the question: as a bank file names it (questions.images), or,
    # once stored, the stored image's key.
    image: str = ""

    @property
    def correct_letter(self) -> str:
        """The letter of the correct option as printed in a bank (A for the first)."""
        return LETTERS[self.correct]

    def rendered_length(self) -> int:
        """Characters this question takes when rendered as text with lettered options."""
        return len(self.text) + sum(len(o) + 4 for o in self.options)


class QuestionError(ValueError):
    """A question (or a bank file) that breaks a rule; the message says where and why."""

    def __init__(self, message: str, *, where: str = "") -> None:
        self.where = where
        self.problem = message
        super().__init__(f"{where}: {message}" if where else message)


def validate_question(q: Question) -> list[str]:
    """Return the problems of one question (empty when it is valid), in Vietnamese."""
    problems: list[str] = []
    if not q.text.strip():
        problems.append("thiếu nội dung câu hỏi")
    elif len(q.text) > MAX_TEXT_CHARS:
        problems.append(f"câu hỏi dài {len(q.text)} ký tự, tối đa {MAX_TEXT_CHARS}")
    n = len(q.options)
    if n < MIN_OPTIONS or n > MAX_OPTIONS:
        problems.append(f"có {n} phương án, cần từ {MIN_OPTIONS} đến {MAX_OPTIONS}")
    for i, option in enumerate(q.options):
        label = LETTERS[i] if i < len(LETTERS) else str(i + 1)
        if not option.strip():
            problems.append(f"phương án {label} để trống")
        elif len(option) > MAX_OPTION_CHARS:
            problems.append(f"phương án {label} dài {len(option)} ký tự, tối đa {MAX_OPTION_CHARS}")
    normalised = [" ".join(o.split()).casefold() for o in q.options]
    seen: set[str] = set()
    for i, value in enumerate(normalised):
        if value and value in seen:
            problems.append(f"phương án {LETTERS[i] if i < len(LETTERS) else i + 1} bị trùng")
        seen.add(value)
    if not 0 <= q.correct < max(n, 1):
        problems.append("đáp án đúng không trỏ tới phương án nào")
    if q.rendered_length() > MAX_RENDERED_CHARS:
        problems.append(
            f"câu hỏi cùng các phương án dài {q.rendered_length()} ký tự, "
            f"tối đa {MAX_RENDERED_CHARS} để vừa một tin nhắn Zalo"
        )
    if len(q.source) > MAX_SOURCE_CHARS:
        problems.append(f"nguồn dài {len(q.source)} ký tự, tối đa {MAX_SOURCE_CHARS}")
    if len(q.explanation) > MAX_EXPLANATION_CHARS:
        problems.append(
            f"giải thích dài {len(q.explanation)} ký tự, tối đa {MAX_EXPLANATION_CHARS}"
        )
    return problems
