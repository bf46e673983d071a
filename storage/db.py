"""The SQL database: engine, sessions and migrations applied on start."""

from __future__ import annotations

import asyncio
import json
import logging
import weakref
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlmodel.ext.asyncio.session import AsyncSession

MIGRATIONS = Path(__file__).with_name("migrations")


def create_engine(url: str) -> AsyncEngine:
    """An async engine; SQLite gets its folder created, WAL journaling and foreign keys.

    Statement parameters hold phone numbers, so they are kept out of error messages (which
    end up in the log) and out of aiosqlite's DEBUG lines, which print every statement.
    """
    parsed = make_url(url)
    kwargs: dict[str, Any] = {"hide_parameters": True}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": 30}
        logging.getLogger("aiosqlite").setLevel(logging.INFO)
    else:
        kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
    engine = create_async_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _alembic_config(connection: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


# Alembic keeps the running migration in module globals, so two migrations interleaving on
# one event loop trip over each other (and hang); they take turns under a lock per loop.
_loop_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)
# Bot processes starting together against one PostgreSQL take turns under this advisory
# lock: the first migrates, the others then find the schema at head.
_PG_MIGRATION_LOCK = 0x7175697A  # "quiz"


async def migrate(engine: AsyncEngine) -> None:
    """Bring the schema to the newest revision (from empty or from any older one)."""
    lock = _loop_locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock, engine.connect() as conn, schema_change(conn):
        await upgrade(conn, "head")


async def upgrade(conn: AsyncConnection, revision: str) -> None:
    """Run the migrations up to `revision` on this connection (inside `schema_change`)."""

    def run(connection: Connection) -> None:
        command.upgrade(_alembic_config(connection), revision)

    await conn.run_sync(run)


@asynccontextmanager
async def schema_change(conn: AsyncConnection) -> AsyncIterator[None]:
    """One transaction for changing the schema (and rows with it): all of it or nothing.

    On PostgreSQL, bot processes starting together take turns under an advisory lock: the
    first migrates, the others then find the schema at head. On SQLite, a migration that
    rebuilds a table others refer to (SQLite alters little in place) drops it while rows point
    at it: SQLite's own procedure turns foreign keys off around the work (which only takes
    effect between transactions) and checks them before committing.
    """
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await conn.commit()
    try:
        async with conn.begin():
            if sqlite:
                # Python's sqlite3 begins a transaction only before a write: DDL would run
                # outside it. BEGIN takes it in.
                await conn.exec_driver_sql("BEGIN")
            else:
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK}
                )
            yield
            if sqlite:
                broken = (await conn.exec_driver_sql("PRAGMA foreign_key_check")).all()
                if broken:
                    raise RuntimeError(f"{len(broken)} dangling references")
    finally:
        if sqlite:
            await conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            await conn.commit()


async def write_lock(s: AsyncSession) -> None:
    """Make this session's transaction hold the write lock from now on, as the first thing it
    does: SQLite's stand-in for SELECT … FOR UPDATE, which it ignores (and Python's sqlite3
    begins a transaction only at the first write, after the reads that decided it, so two
    connections would both read a row as it was and both act on it). On PostgreSQL nothing:
    the row locks taken next do it."""
    conn = await s.connection()
    if conn.dialect.name == "sqlite":
        await conn.exec_driver_sql("BEGIN IMMEDIATE")


# What PostgreSQL may use for each sort or hash of a round-wide read at closing (its
# default, 4 MB, sends the sort of 4,000,000 attempts to disk: 8.4 s against 4.5 s).
LARGE_READ_MEMORY = "256MB"
_LARGE_READ = f"SET LOCAL work_mem = '{LARGE_READ_MEMORY}'"


async def _settings(driver: Any, *, jit: bool, large: bool) -> None:
    """Settings for the transaction of one read on asyncpg's connection."""
    if not jit:
        await driver.execute("SET LOCAL jit = off")
    if large:
        await driver.execute(_LARGE_READ)


@dataclass(frozen=True)
class Sql:
    """One statement in each database's own words, for `Database.rows`.

    Parameters are positional: `?` on SQLite, `$1`, `$2`… on PostgreSQL. A list of ids is
    passed with `Database.ids` and read as `json_each(?)` on SQLite, `unnest($n::bigint[])`
    on PostgreSQL.
    """

    sqlite: str
    postgresql: str


class Database:
    """The engine plus a session factory; passed once to whatever needs SQL."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._sessions = async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)

    @classmethod
    async def open(cls, url: str) -> Database:
        """Connect and apply migrations."""
        engine = create_engine(url)
        await migrate(engine)
        return cls(engine)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits when the block ends without an error."""
        async with self._sessions() as session, session.begin():
            yield session

    async def large(self, s: AsyncSession) -> None:
        """Let PostgreSQL sort and hash in memory (LARGE_READ_MEMORY) for the rest of this
        session's transaction: for a round-wide read at closing. Nothing on SQLite."""
        if self.dialect != "sqlite":
            conn = await s.connection()
            await conn.exec_driver_sql(_LARGE_READ)

    @property
    def dialect(self) -> str:
        """ "sqlite" or "postgresql"."""
        return self.engine.dialect.name

    def ids(self, ids: Sequence[int]) -> object:
        """A list of ids as one statement parameter (see `Sql`)."""
        return json.dumps(list(ids)) if self.dialect == "sqlite" else list(ids)

    async def rows(
        self, sql: Sql, *params: object, compiled: bool = True, large: bool = False
    ) -> Sequence[Sequence[Any]]:
        """Every row of a read, run on the driver itself (aiosqlite or asyncpg).

        For reads of hundreds of thousands of rows: SQLAlchemy's own work per row (result
        processing, a type's conversion of each value) cost more than the database's, so
        these reads skip it and the statement hands back plain values (numbers, text, epoch
        milliseconds for instants). `compiled=False` keeps PostgreSQL from compiling the
        query to machine code (JIT) first: for a read made many times over slices, whose
        estimated cost sets it off, that took half the time of each (150 of 300 ms).
        `large` lets PostgreSQL sort and hash in memory (LARGE_READ_MEMORY) for this read.
        """
        async with self.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection
            if self.dialect == "sqlite":
                return list(await driver.execute_fetchall(sql.sqlite, params))
            if compiled and not large:
                rows: Sequence[Sequence[Any]] = await driver.fetch(sql.postgresql, *params)
                return rows
            async with driver.transaction(readonly=True):
                await _settings(driver, jit=compiled, large=large)
                rows = await driver.fetch(sql.postgresql, *params)
                return rows

    async def stream(
        self, sql: Sql, *params: object, per_fetch: int = 50_000, large: bool = False
    ) -> AsyncIterator[Sequence[Sequence[Any]]]:
        """The rows of a read `per_fetch` at a time, as `rows` gives them, from a cursor the
        database keeps (PostgreSQL: a server-side cursor in a read-only transaction): for
        reads of millions of rows, never all in memory at once."""
        async with self.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection
            if self.dialect == "sqlite":
                async with driver.execute(sql.sqlite, params) as cursor:
                    while rows := await cursor.fetchmany(per_fetch):
                        yield rows
                return
            async with driver.transaction(readonly=True):
                await _settings(driver, jit=True, large=large)
                cursor = await driver.cursor(sql.postgresql, *params)
                while rows := await cursor.fetch(per_fetch):
                    yield rows

    @asynccontextmanager
    async def driver(self) -> AsyncIterator[Any]:
        """PostgreSQL only: asyncpg's own connection, in a transaction for the block (its
        temporary tables go with it), for COPY. PostgreSQL does not compile these large reads
        to machine code (JIT) first, and sorts and hashes in memory (LARGE_READ_MEMORY)."""
        if self.dialect == "sqlite":
            raise RuntimeError("COPY is PostgreSQL's")
        async with self.engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver: Any = raw.driver_connection
            async with driver.transaction():
                await _settings(driver, jit=False, large=True)
                yield driver

    async def close(self) -> None:
        """Release the connections."""
        await self.engine.dispose()
