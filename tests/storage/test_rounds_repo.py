"""Rounds: syncing from the contest file, opening and closing are all safe to repeat."""

from __future__ import annotations

from datetime import timedelta

from storage.db import Database
from storage.repos import Rounds
from storage.repos.rounds import CLOSED, SCHEDULED
from tests.storage.data import CLOSES, OPENS, T0


async def test_sync_twice_keeps_one_row_per_round_and_takes_the_new_plan(db: Database) -> None:
    rounds = Rounds(db)
    plan = [
        ("2023-Q1", "Quý 1", OPENS, CLOSES),
        ("2023-Q2", "Quý 2", OPENS + timedelta(days=60), CLOSES + timedelta(days=90)),
    ]
    await rounds.sync(plan)
    await rounds.sync([("2023-Q1", "Quý I", OPENS, CLOSES), plan[1]])

    stored = await rounds.all()
    assert [r.code for r in stored] == ["2023-Q1", "2023-Q2"]
    assert stored[0].name == "Quý I"
    assert (stored[0].opens_at, stored[0].closes_at) == (OPENS, CLOSES)
    assert all(r.status == SCHEDULED for r in stored)


async def test_sync_leaves_the_status_of_an_open_round_alone(db: Database) -> None:
    rounds = Rounds(db)
    await rounds.sync([("2023-Q1", "Quý 1", OPENS, CLOSES)])
    assert await rounds.set_open("2023-Q1", T0)

    await rounds.sync([("2023-Q1", "Quý 1", OPENS, CLOSES)])

    current = await rounds.current()
    assert current is not None
    assert current.code == "2023-Q1"
    assert current.opened_at == T0


async def test_open_and_close_happen_once(db: Database) -> None:
    rounds = Rounds(db)
    await rounds.sync([("2023-Q1", "Quý 1", OPENS, CLOSES)])

    assert await rounds.set_open("2023-Q1", T0) is True
    assert await rounds.set_open("2023-Q1", T0 + timedelta(hours=1)) is False
    assert await rounds.set_closed("2023-Q1", T0 + timedelta(days=1), 42) is True
    assert await rounds.set_closed("2023-Q1", T0 + timedelta(days=2), 99) is False
    assert await rounds.set_open("2023-Q1", T0 + timedelta(days=3)) is False

    row = await rounds.get("2023-Q1")
    assert row is not None
    assert row.status == CLOSED
    assert row.opened_at == T0
    assert row.closed_at == T0 + timedelta(days=1)
    assert row.actual_figure == 42
    assert await rounds.current() is None


async def test_unknown_round_neither_opens_nor_closes(db: Database) -> None:
    rounds = Rounds(db)

    assert await rounds.set_open("2099-Q9", T0) is False
    assert await rounds.set_closed("2099-Q9", T0, 0) is False
    assert await rounds.get("2099-Q9") is None
