"""Attempts: saved once by code; the ranking query counts right answers from what was stored."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from datetime import timedelta

import pytest

from handlers.ranking import rank
from storage.db import Database
from storage.repos import Attempts
from tests.storage.data import ROUND, T0, attempt, person, round_and_bank


async def test_saving_the_same_attempt_twice_stores_it_once(db: Database) -> None:
    bank = await round_and_bank(db)
    pid = await person(db, "+84912345678")
    repo = Attempts(db)
    finished = attempt("ABC123", pid, bank, right=7)

    assert await repo.save(finished) is True
    assert await repo.save(finished) is False
    assert await repo.save(replace(finished, correct=10, prediction=1)) is False

    assert await repo.count(pid, ROUND) == 1
    assert await repo.count(pid, ROUND, "2023-02-20") == 1
    assert await repo.count(pid, ROUND, "2023-02-21") == 0
    stored = await repo.by_code("ABC123")
    assert stored is not None
    assert (stored.correct, stored.prediction) == (7, 100)
    assert [s.correct for s in await repo.scored(ROUND)] == [7]


async def test_ranking_counts_right_answers_from_the_stored_answers(db: Database) -> None:
    bank = await round_and_bank(db)
    pid = await person(db, "+84912345678")
    other = await person(db, "+84987654321")
    repo = Attempts(db)
    # The `correct` column says otherwise on purpose: the ranking must not trust it.
    await repo.save(attempt("LIE001", pid, bank, right=3, stored_correct=10))
    await repo.save(attempt("LIE002", other, bank, right=9, stored_correct=0))

    scored = {s.participant_id: s.correct for s in await repo.scored(ROUND)}

    assert scored == {pid: 3, other: 9}
    assert [s.correct for s in await repo.scored(ROUND, participant_id=other)] == [9]


async def test_unanswered_questions_count_as_wrong(db: Database) -> None:
    bank = await round_and_bank(db)
    pid = await person(db, "+84912345678")
    finished = attempt("HALF01", pid, bank, right=10)
    blank = tuple(replace(a, choice=None, answered_at=None) for a in finished.answers[5:])
    await Attempts(db).save(replace(finished, answers=finished.answers[:5] + blank))

    assert [s.correct for s in await Attempts(db).scored(ROUND)] == [5]


# Actual figure 100. Each pair of neighbours is decided by the level named beside it.
ACTUAL = 100
LADDER = [
    # (phone, code, right, prediction, seconds, submitted minutes after T0)
    ("+84900000001", "A1", 9, 300, 500, 9),  # most right answers
    ("+84900000002", "B1", 8, 100, 400, 8),  # 8 right: exact prediction
    ("+84900000003", "C1", 8, 104, 200, 7),  # 8 right, 4 off, faster
    ("+84900000004", "D1", 8, 96, 300, 1),  # 8 right, 4 off, slower, submitted first
    ("+84900000005", "E1", 8, 96, 300, 2),  # the same but submitted later
    ("+84900000006", "F1", 8, None, 100, 3),  # no prediction ranks after any prediction
    ("+84900000007", "G1", 8, None, 150, 4),  # no prediction either, slower
    ("+84900000008", "H1", 5, 100, 100, 5),  # fewer right answers
]


@pytest.fixture
async def ladder(db: Database) -> dict[str, int]:
    """The round of LADDER, plus worse second attempts that must not count; phone -> id."""
    bank = await round_and_bank(db)
    repo = Attempts(db)
    ids = {}
    for phone, code, right, prediction, seconds, minutes in LADDER:
        pid = await person(db, phone)
        ids[phone] = pid
        when = T0 + timedelta(minutes=minutes)
        await repo.save(
            attempt(
                code,
                pid,
                bank,
                right=right,
                prediction=prediction,
                duration_s=seconds,
                submitted=when,
            )
        )
        await repo.save(
            attempt(
                code[0] + "2",
                pid,
                bank,
                right=max(right - 2, 0),
                prediction=ACTUAL,
                duration_s=10,
                submitted=when,
            )
        )
    return ids


async def test_ranking_query_feeds_the_ranking_order(db: Database, ladder: dict[str, int]) -> None:
    ranking = rank(await Attempts(db).scored(ROUND), ACTUAL)

    assert [r.participant_id for r in ranking] == [ladder[row[0]] for row in LADDER]
    assert [r.correct for r in ranking] == [row[2] for row in LADDER]


async def test_count_better_agrees_with_the_ranking(db: Database, ladder: dict[str, int]) -> None:
    repo = Attempts(db)
    ranking = rank(await repo.scored(ROUND), ACTUAL)

    for place in ranking:
        best = next(
            s
            for s in await repo.scored(ROUND, place.participant_id)
            if s.attempt_id == place.attempt_id
        )
        better = await repo.count_better(ROUND, place.participant_id, best, ACTUAL)
        assert better == place.rank - 1, place


async def test_concurrent_saves_of_one_attempt_store_it_once(db: Database) -> None:
    bank = await round_and_bank(db)
    pid = await person(db, "+84912345678")
    repo = Attempts(db)
    finished = attempt("RACE01", pid, bank, right=6)

    results = await asyncio.gather(*(repo.save(finished) for _ in range(10)))

    assert sorted(results) == [False] * 9 + [True]
    assert await repo.count(pid, ROUND) == 1


async def test_concurrent_saves_of_different_attempts_all_land(db: Database) -> None:
    bank = await round_and_bank(db)
    ids = [await person(db, f"+8491234{i:04d}") for i in range(10)]
    repo = Attempts(db)

    results = await asyncio.gather(
        *(repo.save(attempt(f"MANY{i:02d}", pid, bank, right=i)) for i, pid in enumerate(ids))
    )

    assert results == [True] * 10
    assert await repo.participants_in_round(ROUND) == 10


async def test_a_stored_count_that_its_answers_contradict_is_logged_with_the_attempt(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    bank = await round_and_bank(db)
    pid = await person(db, "+84912345678")
    repo = Attempts(db)
    await repo.save(attempt("TRUE01", pid, bank, right=6))
    await repo.save(attempt("LIE003", pid, bank, right=2, stored_correct=8))
    lying = await repo.by_code("LIE003")
    assert lying is not None

    with caplog.at_level(logging.WARNING, logger="storage.repos.attempts"):
        scored = await repo.scored(ROUND)

    assert sorted(s.correct for s in scored) == [2, 6]
    assert f"attempt ids [{lying.id}]" in caplog.text
