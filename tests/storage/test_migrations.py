"""Migrations build the whole schema from nothing, and running them again changes nothing."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import MIGRATIONS, Database, migrate


def _head() -> str:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


async def _tables(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def _versions(db: Database) -> list[str]:
    async with db.engine.connect() as conn:
        rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
        return [r[0] for r in rows]


async def test_migrations_from_empty_create_every_table(db: Database) -> None:
    assert await _tables(db) == set(SQLModel.metadata.tables) | {"alembic_version"}
    assert await _versions(db) == [_head()]


async def test_migrated_schema_matches_the_models(db: Database) -> None:
    def diff(conn: Connection) -> list[object]:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))

    async with db.engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_running_migrations_twice_is_a_no_op(db_url: str) -> None:
    first = await Database.open(db_url)
    try:
        tables = await _tables(first)
        await migrate(first.engine)
        assert await _tables(first) == tables
        assert await _versions(first) == [_head()]
    finally:
        await first.close()
    again = await Database.open(db_url)
    try:
        assert await _tables(again) == tables
        assert await _versions(again) == [_head()]
    finally:
        await again.close()
