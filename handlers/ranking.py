"""Ranking and prize allocation: pure functions of the attempts, the actual figure and the rules.

Order, best first: more correct answers; then a prediction closer to the actual figure (no
prediction ranks after any prediction); then a shorter time; then an earlier submission.
A participant's best attempt by that order is the one that counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Protocol

NO_PREDICTION = 1 << 62  # sorts after every real distance


class Scored(Protocol):
    """What the ranking needs of an attempt."""

    @property
    def attempt_id(self) -> int: ...
    @property
    def participant_id(self) -> int: ...
    @property
    def correct(self) -> int: ...
    @property
    def prediction(self) -> int | None: ...
    @property
    def duration_ms(self) -> int: ...
    @property
    def submitted_at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Ranked:
    """One participant's place: their rank (1 = best) and the attempt that counts."""

    rank: int
    participant_id: int
    attempt_id: int
    correct: int
    prediction: int | None
    distance: int | None
    duration_ms: int
    submitted_at: datetime


@dataclass(frozen=True, slots=True)
class Award:
    """A prize given to one participant."""

    tier: str
    rank: int
    participant_id: int
    attempt_id: int


def rank(attempts: Iterable[Scored], actual: int) -> list[Ranked]:
    """Best attempt per participant, ordered best first, with ranks 1, 2, 3, ..."""
    best = BestAttempts(actual)
    best.add(attempts)
    return best.ranking()


def in_order(attempts: Iterable[Scored], actual: int, first: int = 1) -> list[Ranked]:
    """Attempts already in the ranking's order, each participant's best once (the database
    sorted them), with ranks from `first` on."""
    return [
        Ranked(
            i,
            a.participant_id,
            a.attempt_id,
            a.correct,
            a.prediction,
            None if a.prediction is None else abs(a.prediction - actual),
            a.duration_ms,
            a.submitted_at,
        )
        for i, a in enumerate(attempts, start=first)
    ]


class BestAttempts:
    """Each participant's best attempt so far, as the attempts come in batches; then the
    ranking. A round of 4,000,000 attempts is read in slices and only the best of each
    of its 1,300,000 people is held.

    The order's sort key (smaller is better: fewer wrong, closer prediction, shorter time,
    earlier submission, then the attempt id) is built inline: a round has millions of
    attempts, and a function call and a keyword-argument Ranked per attempt were a third of
    the time.
    """

    def __init__(self, actual: int) -> None:
        self.actual = actual
        self.best: dict[int, tuple[tuple[int, int, int, datetime, int], Scored]] = {}

    def add(self, attempts: Iterable[Scored]) -> None:
        """Take these attempts into account."""
        best = self.best
        actual = self.actual
        for a in attempts:
            p = a.prediction
            key = (
                -a.correct,
                NO_PREDICTION if p is None else abs(p - actual),
                a.duration_ms,
                a.submitted_at,
                a.attempt_id,
            )
            held = best.get(a.participant_id)
            if held is None or key < held[0]:
                best[a.participant_id] = (key, a)

    def ranking(self) -> list[Ranked]:
        """The best attempts ordered best first, with ranks 1, 2, 3, ..."""
        ordered = sorted(self.best.values(), key=itemgetter(0))
        return in_order([a for _, a in ordered], self.actual)


def allocate(
    ranking: Sequence[Ranked],
    tiers: Sequence[tuple[str, int]],
    *,
    excluded: set[int],
) -> list[Award]:
    """Give prizes down the ranking: tiers in order with their counts, one prize per person.

    Participants in `excluded` (organisers, jury, secretariat) are skipped and the prize goes
    to the next person.
    """
    eligible = (r for r in ranking if r.participant_id not in excluded)
    awards: list[Award] = []
    given: set[int] = set()
    for tier, count in tiers:
        for _ in range(count):
            winner = next(eligible, None)
            if winner is None:
                return awards
            if winner.participant_id in given:  # the ranking holds one entry per person
                raise ValueError(f"participant {winner.participant_id} is ranked twice")
            given.add(winner.participant_id)
            awards.append(Award(tier, winner.rank, winner.participant_id, winner.attempt_id))
    return awards
