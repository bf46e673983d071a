"""What an answer button names: the participant, the attempt, the question and the option.

The token is the button's opaque value (Telegram's callback_data, at most 64 bytes; the option
a Zalo user types maps back to it), so whatever comes back is read with care: anything not of
the shape made here is no answer.
"""

from __future__ import annotations

from dataclasses import dataclass

TOKEN_ANSWER = "a"
# A practice question's option: the same shape, another kind, so it never reaches an attempt.
TOKEN_PRACTICE = "t"
CODE_LENGTH = 10
MAX_PID_DIGITS = 12


@dataclass(frozen=True, slots=True)
class AnswerTap:
    """What an answer button names: the participant, the attempt, the question, the option."""

    participant_id: int | None  # None in tokens made before buttons named the participant
    code: str
    index: int
    shown: int


def answer_token(code: str, index: int, shown: int, participant_id: int | None = None) -> str:
    """The button token of one option: a:<participant>:<attempt>:<question>:<option>.

    Naming the participant lets a tap be checked and recorded in one round trip to the
    store (the account tapping must still be that participant's). Well under 64 bytes.
    """
    if participant_id is None:
        return f"{TOKEN_ANSWER}:{code}:{index}:{shown}"
    return f"{TOKEN_ANSWER}:{participant_id}:{code}:{index}:{shown}"


def practice_token(code: str, index: int, shown: int, participant_id: int) -> str:
    """The button token of one option of a practice question: t:<participant>:<…>:<…>:<…>."""
    return f"{TOKEN_PRACTICE}:{participant_id}:{code}:{index}:{shown}"


def parse_practice_token(token: str) -> AnswerTap | None:
    """What a practice option's token names, or None if malformed."""
    tap = parse_answer_token(token, kind=TOKEN_PRACTICE)
    return tap if tap is not None and tap.participant_id is not None else None


def parse_answer_token(token: str, *, kind: str = TOKEN_ANSWER) -> AnswerTap | None:
    """What an answer token names, or None if malformed; a:<attempt>:<question>:<option>
    (the shape before buttons named the participant) is still read."""
    parts = token.split(":")
    if parts[0] != kind or len(parts) not in (4, 5):
        return None
    pid: int | None = None
    if len(parts) == 5:
        if not _ascii_digits(parts[1]) or len(parts[1]) > MAX_PID_DIGITS:
            return None
        pid = int(parts[1])
    code, index, shown = parts[-3:]
    if len(code) != CODE_LENGTH or not _ascii_digits(index) or not _ascii_digits(shown):
        return None
    if len(index) > 3 or len(shown) > 1:
        return None
    return AnswerTap(pid, code, int(index), int(shown))


def _ascii_digits(text: str) -> bool:
    # str.isdigit() alone passes "²", which int() rejects, and "١", which int() reads as 1.
    return text.isascii() and text.isdigit()
