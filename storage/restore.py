"""Restoring a backup (see storage.backup), and what the live state forgets afterwards.

A restore happens in one transaction (storage.db.schema_change): the database's tables are
dropped, the schema is built at the backup's revision, every row is put back, sequences are
moved past the restored ids, and the migrations bring the schema to this version's head.
Either all of it is done or the database is left as it was (a damaged file, a backup from a
newer version, a database that is not empty without `force`).

The bot's live state in Redis points at entries by id: which entry an account belongs to (a
cache), linking codes, live attempts and finished attempts still waiting for SQL. A backup is
older than that state, so after a restore the cache and the linking codes are dropped (SQL
answers again) and the attempts of entries the backup does not have are dropped too: their
ids would otherwise be handed to new entries and the attempts counted for the wrong people.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from alembic.config import Config
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import Integer, MetaData, Table, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.backup import BackupError, BackupInfo, BackupReader, TableHook, reflect
from storage.db import MIGRATIONS, schema_change, upgrade
from storage.session import SessionStore


class NotEmptyError(BackupError):
    """The database to restore into holds rows already."""

    def __init__(self, tables: dict[str, int]) -> None:
        self.tables = tables
        held = ", ".join(f"{name} ({count})" for name, count in tables.items())
        super().__init__(f"the database is not empty: {held}")


@dataclass(frozen=True)
class Restored:
    """What a restore did."""

    info: BackupInfo
    # The schema revision afterwards: this version's newest.
    revision: str

    @property
    def migrated(self) -> bool:
        """Whether the backup's schema was older and was brought forward."""
        return self.info.revision != self.revision


def migrations() -> ScriptDirectory:
    """This version's migrations."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(cfg)


async def restore(
    engine: AsyncEngine, reader: BackupReader, *, force: bool, on_table: TableHook | None = None
) -> Restored:
    """Put the backup read by `reader` into the database (see the module's docstring)."""
    info = reader.info
    script = migrations()
    head = script.get_current_head()
    try:
        script.get_revision(info.revision)
    except CommandError as exc:
        raise BackupError(
            f"the backup's schema (revision {info.revision}) is newer than this version of "
            f"quizbot knows (up to {head}): restore it with the version that made it"
        ) from exc
    assert head is not None
    async with engine.connect() as conn, schema_change(conn):
        filled = await _filled(conn)
        if filled and not force:
            raise NotEmptyError(filled)
        await conn.run_sync(_drop_everything)
        await upgrade(conn, info.revision)
        await _load(conn, reader, on_table)
        if conn.dialect.name == "postgresql":
            await conn.run_sync(_restart_sequences)
        if info.revision != head:
            await upgrade(conn, head)
    return Restored(info, head)


async def _filled(conn: AsyncConnection) -> dict[str, int]:
    """The tables holding rows, with their counts."""
    filled = {}
    for table in await conn.run_sync(reflect):
        count = (await conn.execute(select(func.count()).select_from(table))).scalar_one()
        if count:
            filled[table.name] = count
    return filled


def _drop_everything(connection: Connection) -> None:
    meta = MetaData()
    meta.reflect(connection)
    meta.drop_all(connection)


async def _load(conn: AsyncConnection, reader: BackupReader, on_table: TableHook | None) -> None:
    tables: dict[str, Table] = {t.name: t for t in await conn.run_sync(reflect)}
    expected = reader.info.tables
    seen = set()
    for part in reader.tables():
        table = tables.get(part.name)
        if table is None or part.name not in expected:
            raise BackupError(f"the backup holds a table its schema does not have: {part.name}")
        unknown = set(part.columns) - set(table.columns.keys())
        if unknown:
            raise BackupError(f"{part.name}: columns the schema does not have: {sorted(unknown)}")
        if on_table is not None:
            await on_table(part.name)
        count = 0
        for batch in part.batches:
            await conn.execute(table.insert(), batch)
            count += len(batch)
        if count != expected[part.name]:
            raise BackupError(
                f"{part.name}: the backup should hold {expected[part.name]} rows, it has {count}"
                " (the file is cut short or damaged)"
            )
        seen.add(part.name)
    missing = set(expected) - seen
    if missing:
        raise BackupError(f"the backup is cut short: tables missing: {sorted(missing)}")


def _restart_sequences(connection: Connection) -> None:
    """Move each id sequence past the ids restored, so new rows do not collide with them."""
    for table in reflect(connection):
        keys: list[Any] = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, Integer):
            continue
        column = keys[0].name
        connection.execute(
            text(
                "SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE((SELECT MAX("{column}") FROM "{table.name}"), 0) + 1, false)'
            ),
            {"table": f'"{table.name}"', "column": column},
        )


# ------------------------------------------------------------------ the live state


@dataclass(frozen=True)
class Forgotten:
    """What the live state dropped after a restore."""

    cached_accounts: int
    link_codes: int
    attempts: int


async def forget_after_restore(store: SessionStore, participants: Iterable[int]) -> Forgotten:
    """Drop what in the live state could point at the wrong entry once SQL is restored:
    every cached account, every linking code, and the attempts (live or waiting for SQL) of
    entries not among `participants`."""
    redis, prefix = store.redis, store.keys.prefix
    cached = await _delete_matching(store, f"{prefix}:acct:*")
    codes = await _delete_matching(store, f"{prefix}:link:*") + await _delete_matching(
        store, f"{prefix}:linkof:*"
    )
    known = set(participants)
    holders: set[int] = set()
    async for key in redis.scan_iter(match=f"{prefix}:att:*", count=1000):
        inner = str(key).rpartition("{")[2].rstrip("}")
        if inner.isdigit():
            holders.add(int(inner))
    holders |= {int(str(x)) for x in await redis.zrange(store.keys.deadlines, 0, -1)}
    holders |= set(await store.pending())
    orphans = sorted(holders - known)
    for participant_id in orphans:
        await store.discard_attempt(participant_id)
    return Forgotten(cached, codes, len(orphans))


async def _delete_matching(store: SessionStore, pattern: str) -> int:
    keys = [k async for k in store.redis.scan_iter(match=pattern, count=1000)]
    for start in range(0, len(keys), 500):
        await store.redis.delete(*keys[start : start + 500])
    return len(keys)
