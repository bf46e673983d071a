"""Migration 0004 on a database that already has people and a closed round: phones become
typed (nobody knows which came from the contact button), each entry's phone starts its
history, stored winners get their snapshot, and the phone stops being unique unless verified."""

from __future__ import annotations

from datetime import datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import MIGRATIONS, create_engine, migrate

T0 = datetime(2023, 2, 20, 1, 0)  # naive UTC, as stored


def _to_0003(connection: Connection) -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    command.upgrade(cfg, "0003")


async def _run(engine: AsyncEngine, sql: str, **params: object) -> list[tuple[object, ...]]:
    async with engine.begin() as conn:
        result = await conn.execute(text(sql), params)
        return [tuple(r) for r in result] if result.returns_rows else []


async def test_existing_entries_and_winners_are_carried_over(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(_to_0003)
        for phone, name in [("+84912345678", "Trần Thị Bích"), ("+84987654321", "An")]:
            await _run(  # ids 1 and 2
                engine,
                "INSERT INTO participants (phone, full_name, birth_year, locality, unit,"
                " source, consent_at, created_at, updated_at) VALUES (:phone, :name,"
                " 1975, 'Kim Sơn', 'Sở Tư pháp', '', :t, :t, :t)",
                phone=phone,
                name=name,
                t=T0,
            )
        await _run(
            engine,
            "INSERT INTO rounds (code, name, opens_at, closes_at, status) VALUES"
            " ('2023-Q1', 'Quý 1', :t, :t, 'closed')",
            t=T0,
        )
        await _run(
            engine,
            "INSERT INTO attempts (id, code, participant_id, round_code, channel, started_at,"
            " submitted_at, local_day, duration_ms, correct, total, auto_submitted) VALUES"
            " (1, 'A1', 1, '2023-Q1', 'zalo', :t, :t, '2023-02-20', 1000, 9, 10, false)",
            t=T0,
        )
        await _run(
            engine,
            "INSERT INTO winners (round_code, participant_id, tier, rank, attempt_id,"
            " created_at) VALUES ('2023-Q1', 1, 'first', 1, 1, :t)",
            t=T0,
        )

        await migrate(engine)  # as the bot does at start

        assert await _run(
            engine, "SELECT id, phone_verified, held_at, excluded_at FROM participants ORDER BY id"
        ) == [(1, False, None, None), (2, False, None, None)]
        assert await _run(
            engine,
            "SELECT participant_id, phone, verified, until FROM participant_phones ORDER BY 1",
        ) == [(1, "+84912345678", False, None), (2, "+84987654321", False, None)]
        assert await _run(
            engine, "SELECT full_name, phone, birth_year, locality, unit FROM winners"
        ) == [("Trần Thị Bích", "+84912345678", 1975, "Kim Sơn", "Sở Tư pháp")]

        # Typed phones may now coincide; a second verified one may not.
        insert = (
            "INSERT INTO participants (phone, phone_verified, full_name, birth_year, locality,"
            " unit, source, consent_at, created_at, updated_at) VALUES ('+84912345678',"
            " :verified, 'Ai Đó', 1990, 'Hoa Lư', 'Người dân', '', :t, :t, :t)"
        )
        await _run(engine, insert, verified=False, t=T0)
        await _run(engine, insert, verified=True, t=T0)
        with pytest.raises(IntegrityError):
            await _run(engine, insert, verified=True, t=T0)
    finally:
        await engine.dispose()
