"""Ranking and prizes: each tie-break level decides on its own, prizes go down the list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from handlers.ranking import Award, allocate, rank

T0 = datetime(2023, 2, 20, 1, 0, tzinfo=UTC)
ACTUAL = 500
TIERS = [("first", 1), ("second", 2), ("third", 3), ("consolation", 4)]


@dataclass(frozen=True)
class A:
    """An attempt as the ranking sees it."""

    participant_id: int
    correct: int = 8
    prediction: int | None = ACTUAL
    duration_ms: int = 300_000
    submitted_at: datetime = T0
    attempt_id: int = 0


def order(*attempts: A) -> list[int]:
    """Participant ids, best first (attempt ids are made unique in the given order)."""
    numbered = [
        A(a.participant_id, a.correct, a.prediction, a.duration_ms, a.submitted_at, i)
        for i, a in enumerate(attempts, start=1)
    ]
    return [r.participant_id for r in rank(numbered, ACTUAL)]


def test_more_correct_answers_rank_first_whatever_else() -> None:
    worse_otherwise = A(1, correct=9, prediction=None, duration_ms=599_000, submitted_at=T0)
    better_otherwise = A(
        2, correct=8, prediction=ACTUAL, duration_ms=1_000, submitted_at=T0 - timedelta(days=1)
    )

    assert order(better_otherwise, worse_otherwise) == [1, 2]


def test_with_equal_correct_the_closer_prediction_ranks_first() -> None:
    far = A(1, prediction=ACTUAL + 40, duration_ms=1_000, submitted_at=T0 - timedelta(days=1))
    near = A(2, prediction=ACTUAL - 39, duration_ms=599_000)

    assert order(far, near) == [2, 1]


def test_no_prediction_ranks_after_any_prediction() -> None:
    none = A(1, prediction=None, duration_ms=1_000, submitted_at=T0 - timedelta(days=1))
    wild = A(2, prediction=10_000_000, duration_ms=599_000)
    zero = A(3, prediction=0, duration_ms=599_000)

    assert order(none, wild, zero) == [3, 2, 1]


def test_with_equal_distance_the_shorter_time_ranks_first() -> None:
    over_slow = A(
        1, prediction=ACTUAL + 5, duration_ms=300_001, submitted_at=T0 - timedelta(days=1)
    )
    under_fast = A(2, prediction=ACTUAL - 5, duration_ms=300_000)

    assert order(over_slow, under_fast) == [2, 1]


def test_two_without_prediction_are_decided_by_time() -> None:
    assert order(
        A(1, prediction=None, duration_ms=9_000), A(2, prediction=None, duration_ms=8_000)
    ) == [2, 1]


def test_with_equal_time_the_earlier_submission_ranks_first() -> None:
    later = A(1, submitted_at=T0 + timedelta(milliseconds=1))
    earlier = A(2, submitted_at=T0)

    assert order(later, earlier) == [2, 1]


def test_ranks_are_numbered_from_one_with_distance_reported() -> None:
    ranking = rank(
        [A(1, prediction=ACTUAL + 3, attempt_id=11), A(2, prediction=None, attempt_id=12)], ACTUAL
    )

    assert [(r.rank, r.participant_id, r.distance) for r in ranking] == [(1, 1, 3), (2, 2, None)]


def test_the_best_attempt_of_each_participant_counts() -> None:
    attempts = [
        A(1, correct=5, attempt_id=1),
        A(1, correct=9, duration_ms=400_000, attempt_id=2),
        A(1, correct=9, duration_ms=200_000, attempt_id=3),
        A(2, correct=8, attempt_id=4),
        A(1, correct=7, attempt_id=5),
    ]

    ranking = rank(attempts, ACTUAL)

    assert [(r.participant_id, r.attempt_id, r.correct) for r in ranking] == [(1, 3, 9), (2, 4, 8)]


def test_the_best_attempt_follows_the_same_order_as_the_ranking() -> None:
    attempts = [
        A(1, prediction=None, duration_ms=10_000, attempt_id=1),
        A(1, prediction=ACTUAL + 100, duration_ms=500_000, attempt_id=2),
    ]

    assert [r.attempt_id for r in rank(attempts, ACTUAL)] == [2]


def ladder(n: int) -> list[A]:
    """n participants, participant i ranked i-th."""
    return [A(i, duration_ms=100_000 + i, attempt_id=100 + i) for i in range(1, n + 1)]


def test_tiers_go_down_the_ranking_in_order() -> None:
    awards = allocate(rank(ladder(12), ACTUAL), TIERS, excluded=set())

    assert [(a.tier, a.rank, a.participant_id) for a in awards] == [
        ("first", 1, 1),
        ("second", 2, 2),
        ("second", 3, 3),
        ("third", 4, 4),
        ("third", 5, 5),
        ("third", 6, 6),
        ("consolation", 7, 7),
        ("consolation", 8, 8),
        ("consolation", 9, 9),
        ("consolation", 10, 10),
    ]
    assert awards[0] == Award("first", 1, 1, 101)


def test_an_excluded_participant_is_skipped_and_the_prize_goes_to_the_next() -> None:
    ranking = rank(ladder(12), ACTUAL)

    awards = allocate(ranking, TIERS, excluded={1, 5})

    assert [(a.tier, a.participant_id) for a in awards] == [
        ("first", 2),
        ("second", 3),
        ("second", 4),
        ("third", 6),
        ("third", 7),
        ("third", 8),
        ("consolation", 9),
        ("consolation", 10),
        ("consolation", 11),
        ("consolation", 12),
    ]
    assert awards[0].rank == 2  # the rank stays the place in the full ranking


def test_one_prize_per_person_however_many_attempts() -> None:
    attempts = [A(1, correct=10, duration_ms=100_000 + i, attempt_id=i) for i in range(5)]
    attempts += [A(2, correct=9, attempt_id=10), A(3, correct=8, attempt_id=11)]

    ranking = rank(attempts, ACTUAL)
    awards = allocate(ranking, TIERS, excluded=set())

    assert [r.participant_id for r in ranking] == [1, 2, 3]
    assert [(a.tier, a.participant_id, a.attempt_id) for a in awards] == [
        ("first", 1, 0),
        ("second", 2, 10),
        ("second", 3, 11),
    ]


@pytest.mark.parametrize(
    ("people", "tiers"),
    [
        (0, []),
        (1, ["first"]),
        (2, ["first", "second"]),
        (4, ["first", "second", "second", "third"]),
    ],
)
def test_fewer_participants_than_prizes(people: int, tiers: list[str]) -> None:
    awards = allocate(rank(ladder(people), ACTUAL), TIERS, excluded=set())

    assert [a.tier for a in awards] == tiers
    assert [a.participant_id for a in awards] == list(range(1, people + 1))


def test_everyone_excluded_means_no_prizes() -> None:
    assert allocate(rank(ladder(3), ACTUAL), TIERS, excluded={1, 2, 3}) == []


def test_a_tier_with_no_prizes_is_passed_over() -> None:
    tiers = [("first", 1), ("second", 0), ("third", 1)]

    awards = allocate(rank(ladder(3), ACTUAL), tiers, excluded=set())

    assert [(a.tier, a.participant_id) for a in awards] == [("first", 1), ("third", 2)]
