"""Instants go in with any offset and come back as timezone-aware UTC, on every database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError

from storage.db import Database
from storage.repos import Attempts, Audit, Participants, Rounds
from tests.storage.data import ROUND, T0, attempt, person, round_and_bank

VN = timezone(timedelta(hours=7))


def _is_utc(value: datetime | None) -> bool:
    return value is not None and value.utcoffset() == timedelta(0) and value.tzinfo is UTC


async def test_times_come_back_aware_utc(db: Database) -> None:
    bank = await round_and_bank(db)
    pid = await person(db, "+84912345678")
    local = datetime(2023, 2, 20, 8, 30, 15, 250_000, tzinfo=VN)
    await Attempts(db).save(attempt("TIME01", pid, bank, right=5, submitted=local))
    await Rounds(db).set_open(ROUND, local)
    await Audit(db).record(actor="cli", action="round.open", at=local, round=ROUND)

    p = await Participants(db).get(pid)
    r = await Rounds(db).get(ROUND)
    a = await Attempts(db).by_code("TIME01")
    [scored] = await Attempts(db).scored(ROUND)
    [entry] = await Audit(db).recent()

    assert p is not None
    assert r is not None
    assert a is not None
    values = [
        p.created_at,
        p.consent_at,
        r.opens_at,
        r.closes_at,
        r.opened_at,
        a.started_at,
        a.submitted_at,
        scored.submitted_at,
        entry.at,
    ]
    assert all(_is_utc(v) for v in values), values
    assert p.created_at == T0
    assert r.opened_at == local
    assert a.submitted_at == scored.submitted_at == local
    assert a.submitted_at.hour == 1  # 08:30 at UTC+7
    assert a.submitted_at.microsecond == 250_000


async def test_naive_datetimes_are_refused(db: Database) -> None:
    await Rounds(db).sync([(ROUND, "Quý 1", T0, T0 + timedelta(days=40))])

    with pytest.raises(StatementError, match="naive datetime"):
        await Rounds(db).set_open(ROUND, datetime(2023, 2, 20, 8, 0))
