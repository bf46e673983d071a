"""Migrations build the whole schema from nothing, and running them again changes nothing."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import MIGRATIONS, Database, migrate
from tests.support.servers import postgres_database

ROOT = Path(__file__).resolve().parents[2]


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


async def test_databases_opened_together_in_one_process_migrate_once(db_url: str) -> None:
    # This used to hang for good: Alembic keeps the running migration in module globals.
    async with asyncio.timeout(30):
        opened = await asyncio.gather(
            *(Database.open(db_url) for _ in range(4)), return_exceptions=True
        )
    try:
        assert [type(d) for d in opened] == [Database] * 4, opened
        first = opened[0]
        assert isinstance(first, Database)
        assert await _versions(first) == [_head()]
    finally:
        for d in opened:
            if isinstance(d, Database):
                await d.close()


# Each process imports everything, says it is ready, and opens the database on "go", so
# the migrations really start together.
OPEN_ON_GO = """
import asyncio, sys
from storage.db import Database

async def main() -> None:
    print("ready", flush=True)
    sys.stdin.readline()
    db = await Database.open(sys.argv[1])
    await db.close()

asyncio.run(main())
"""


@pytest.mark.postgres
async def test_replicas_in_separate_processes_migrate_one_postgres_once() -> None:
    async with postgres_database() as url, asyncio.timeout(60):
        procs = [
            await asyncio.create_subprocess_exec(
                sys.executable,
                "-c",
                OPEN_ON_GO,
                url,
                cwd=ROOT,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            for _ in range(4)
        ]
        for p in procs:
            assert p.stdout is not None
            assert await p.stdout.readline() == b"ready\n"
        for p in procs:
            assert p.stdin is not None
            p.stdin.write(b"go\n")
        errors = [(await p.communicate())[1].decode() for p in procs]

        assert [p.returncode for p in procs] == [0] * 4, errors
        db = await Database.open(url)
        try:
            assert await _versions(db) == [_head()]
        finally:
            await db.close()
