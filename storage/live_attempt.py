"""A live attempt as kept in the store's attempt hash, and what a tap on it does."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class AnswerOutcome(StrEnum):
    """What happened to a tap on an answer button."""

    RECORDED = "ok"
    LAST = "last"
    STALE = "stale"
    EXPIRED = "expired"
    NONE = "none"
    # Only from admit_and_tap, which recorded nothing: the update was not let in (see its
    # Admission), or the account is not known as the participant the button names.
    TURNED_AWAY = "away"
    UNKNOWN_ACCOUNT = "who"


class Stage(StrEnum):
    """Where a live attempt stands."""

    QUESTIONS = "q"
    PREDICTION = "p"
    DONE = "d"


@dataclass(slots=True)
class LiveAttempt:
    """An attempt in progress, as kept in the store.

    `orders[i]` lists, for question i, the bank's option indexes in the order shown.
    `answers[i]` is (shown option index, answered at in ms). `shown[i]` is when the platform
    accepted the message showing step i (question i, or the prediction question at
    i = number of questions); `closes_ms` when the round closes (the deadline never passes it).
    """

    code: str
    round_code: str
    user_key: str
    question_ids: list[int]
    orders: list[tuple[int, ...]]
    started_ms: int
    deadline_ms: int
    stage: Stage = Stage.QUESTIONS
    next_index: int = 0
    answers: dict[int, tuple[int, int]] = field(default_factory=dict)
    prediction: int | None = None
    finished_ms: int | None = None
    auto: bool = False
    shown: dict[int, int] = field(default_factory=dict)
    closes_ms: int | None = None

    def to_fields(self) -> dict[str, str]:
        """The hash fields a new attempt starts with."""
        return {
            "id": self.code,
            "r": self.round_code,
            "u": self.user_key,
            "q": ",".join(map(str, self.question_ids)),
            "o": "|".join("".join(map(str, order)) for order in self.orders),
            "s": str(self.started_ms),
            "d": str(self.deadline_ms),
            "st": self.stage.value,
            "n": str(self.next_index),
            "c": str(len(self.question_ids)),
        } | ({"cl": str(self.closes_ms)} if self.closes_ms is not None else {})

    @classmethod
    def from_fields(cls, h: dict[str, str]) -> LiveAttempt:
        """Rebuild an attempt from its hash."""
        answers: dict[int, tuple[int, int]] = {}
        shown_at: dict[int, int] = {}
        for key, value in h.items():
            if key.startswith("a") and key[1:].isdigit():
                shown, at = value.split(":")
                answers[int(key[1:])] = (int(shown), int(at))
            elif key.startswith("v") and key[1:].isdigit():
                shown_at[int(key[1:])] = int(value)
        return cls(
            code=h["id"],
            round_code=h["r"],
            user_key=h["u"],
            question_ids=list(map(int, h["q"].split(","))),
            orders=[tuple(map(int, part)) for part in h["o"].split("|")],
            started_ms=int(h["s"]),
            deadline_ms=int(h["d"]),
            stage=Stage(h["st"]),
            next_index=int(h["n"]),
            answers=answers,
            prediction=int(h["pr"]) if "pr" in h else None,
            finished_ms=int(h["f"]) if "f" in h else None,
            auto=h.get("auto") == "1",
            shown=shown_at,
            closes_ms=int(h["cl"]) if "cl" in h else None,
        )


def tapped(reply: list[Any]) -> tuple[AnswerOutcome, LiveAttempt | None]:
    """A reply of the answer script: the outcome, and the attempt as it was before the tap."""
    outcome = AnswerOutcome(reply[0])
    if len(reply) < 2:
        return outcome, None
    flat = reply[1]
    return outcome, LiveAttempt.from_fields(dict(zip(flat[::2], flat[1::2], strict=True)))
