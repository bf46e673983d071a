"""Backups of the SQL database: one file, the same for SQLite and PostgreSQL.

A backup is read through the database driver in one transaction that sees a single moment,
while the bot goes on writing: on SQLite a read transaction (WAL journaling lets writers go
on beside it), on PostgreSQL `REPEATABLE READ, READ ONLY`. Every table is in it, with the
schema's revision, so a restore can check the revision against the migrations and bring an
older backup forward (`storage.restore`).

The file is gzip-compressed JSON lines: a header (format, revision, the database it came from,
when, and each table's row count), then for each table a line naming it and its columns and
one line per row, and an end line. The counts and the end line let a restore refuse a file cut
short. Instants are ISO 8601 text in UTC, as the database holds them. The same file restores
into either database, so a contest that outgrows SQLite moves to PostgreSQL by a backup and
a restore.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import MetaData, Table, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.types import JSON, Boolean, Date, DateTime, LargeBinary, TypeEngine

FORMAT = "quizbot-backup"
VERSION = 1
VERSION_TABLE = "alembic_version"
# Rows fetched and written at a time: memory stays flat however large a table is.
BATCH = 2_000

# Called with each table's name before it is read (the command line shows progress).
TableHook = Callable[[str], Awaitable[None]]


class BackupError(Exception):
    """A backup cannot be made or read; the message says why, for the operator."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file says about itself."""

    revision: str
    dialect: str
    created_at: datetime
    tables: dict[str, int]

    @property
    def rows(self) -> int:
        """Rows in every table together."""
        return sum(self.tables.values())


def value_kind(sql_type: TypeEngine[Any]) -> str:
    """How a column's values are written as JSON: "datetime", "date", "bytes" or as they are."""
    if isinstance(sql_type, DateTime):
        return "datetime"
    if isinstance(sql_type, Date):
        return "date"
    if isinstance(sql_type, LargeBinary):
        return "bytes"
    if isinstance(sql_type, JSON):
        return "json"
    if isinstance(sql_type, Boolean):
        return "bool"
    return "plain"


def encode(value: Any, kind: str) -> Any:
    """A column's value as JSON holds it."""
    if value is None:
        return None
    if kind in ("datetime", "date"):
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(value).decode("ascii")
    return value


def decode(value: Any, kind: str) -> Any:
    """A column's value back from JSON."""
    if value is None:
        return None
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "bytes":
        return base64.b64decode(value)
    if kind == "bool":
        return bool(value)
    return value


def reflect(connection: Connection) -> list[Table]:
    """The database's tables as they are (not as this version's models say), parents first,
    without Alembic's own."""
    meta = MetaData()
    meta.reflect(connection)
    return [t for t in meta.sorted_tables if t.name != VERSION_TABLE]


async def revision_of(conn: AsyncConnection) -> str | None:
    """The schema revision the migrations left, or None for a database never migrated."""

    def read(connection: Connection) -> str | None:
        if not connection.dialect.has_table(connection, VERSION_TABLE):
            return None
        return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()

    return await conn.run_sync(read)


async def backup(
    engine: AsyncEngine, path: Path, *, now: datetime, on_table: TableHook | None = None
) -> BackupInfo:
    """Write every table of the database to `path` as it is at one moment; the file appears
    only once complete (a failure leaves any earlier file of that name as it was)."""
    partial = path.with_name(path.name + ".partial")
    try:
        async with engine.connect() as conn, _snapshot(conn):
            revision = await revision_of(conn)
            if revision is None:
                raise BackupError("the database has no schema yet: there is nothing to back up")
            tables = await conn.run_sync(reflect)
            # Counting first also fixes SQLite's snapshot before any table is read.
            counts = {
                t.name: (await conn.execute(select(func.count()).select_from(t))).scalar_one()
                for t in tables
            }
            info = BackupInfo(revision, engine.dialect.name, now, counts)
            with _private(partial) as raw, gzip.open(raw, "wt", encoding="utf-8") as out:
                _line(out, _header(info))
                for table in tables:
                    if on_table is not None:
                        await on_table(table.name)
                    await _write_table(conn, table, out)
                _line(out, {"end": FORMAT})
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return info


@asynccontextmanager
async def _snapshot(conn: AsyncConnection) -> AsyncIterator[None]:
    """One read-only transaction that sees a single moment until it ends."""
    if conn.dialect.name == "sqlite":
        # Python's sqlite3 opens a transaction only before a write: left to it, every SELECT
        # would see its own moment. BEGIN makes them share one.
        await conn.exec_driver_sql("BEGIN")
    else:
        await conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        await conn.begin()
    try:
        yield
    finally:
        await conn.rollback()


def _private(path: Path) -> IO[bytes]:
    """A new file only its owner may read: a backup holds every participant's phone."""
    path.unlink(missing_ok=True)
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _header(info: BackupInfo) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "revision": info.revision,
        "dialect": info.dialect,
        "created_at": info.created_at.isoformat(),
        "tables": info.tables,
    }


def _line(out: IO[str], value: Any) -> None:
    out.write(json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    out.write("\n")


async def _write_table(conn: AsyncConnection, table: Table, out: IO[str]) -> None:
    columns = list(table.columns)
    kinds = [value_kind(c.type) for c in columns]
    _line(out, {"table": table.name, "columns": [c.name for c in columns], "kinds": kinds})
    order = list(table.primary_key.columns) or columns
    result = await conn.stream(select(table).order_by(*order))
    async for rows in result.partitions(BATCH):
        for row in rows:
            _line(out, [encode(v, k) for v, k in zip(row, kinds, strict=True)])


# ------------------------------------------------------------------ reading a backup


@dataclass(frozen=True)
class TableRows:
    """One table of a backup: its columns, how each is written, and its rows in batches."""

    name: str
    columns: list[str]
    kinds: list[str]
    batches: Iterator[list[dict[str, Any]]]


class BackupReader:
    """Reads a backup file front to back, checking it is whole."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            # Open until close(): the tables are read one after the other by the restore.
            self._file: IO[str] = gzip.open(path, "rt", encoding="utf-8")  # noqa: SIM115
        except OSError as exc:
            raise BackupError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
        self._pending: Any = None
        self.info = self._read_header()

    def close(self) -> None:
        """Release the file."""
        self._file.close()

    def __enter__(self) -> BackupReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _next(self) -> Any:
        if self._pending is not None:
            value, self._pending = self._pending, None
            return value
        try:
            line = self._file.readline()
        except (OSError, EOFError) as exc:
            raise BackupError(f"{self.path}: the file is damaged or cut short ({exc})") from exc
        if not line:
            raise BackupError(f"{self.path}: the file is cut short")
        try:
            return json.loads(line)
        except ValueError as exc:
            raise BackupError(f"{self.path}: a damaged line ({exc})") from exc

    def _read_header(self) -> BackupInfo:
        try:
            head = self._next()
        except BackupError as exc:
            raise BackupError(f"{self.path}: not a quizbot backup") from exc
        if not isinstance(head, dict) or head.get("format") != FORMAT:
            raise BackupError(f"{self.path}: not a quizbot backup")
        if head.get("version") != VERSION:
            raise BackupError(
                f"{self.path}: backup format {head.get('version')} is not known to this "
                "version of quizbot"
            )
        return BackupInfo(
            revision=str(head["revision"]),
            dialect=str(head["dialect"]),
            created_at=datetime.fromisoformat(head["created_at"]),
            tables={str(k): int(v) for k, v in head["tables"].items()},
        )

    def tables(self) -> Iterator[TableRows]:
        """Each table in turn; its batches must be read before the next table is asked for."""
        while True:
            item = self._next()
            if isinstance(item, dict) and item.get("end") == FORMAT:
                return
            if not isinstance(item, dict) or "table" not in item:
                raise BackupError(f"{self.path}: a damaged line where a table should start")
            columns, kinds = list(item["columns"]), list(item["kinds"])
            yield TableRows(item["table"], columns, kinds, self._batches(columns, kinds))

    def _batches(
        self, columns: Sequence[str], kinds: Sequence[str]
    ) -> Iterator[list[dict[str, Any]]]:
        batch: list[dict[str, Any]] = []
        while True:
            item = self._next()
            if not isinstance(item, list):
                self._pending = item
                break
            if len(item) != len(columns):
                raise BackupError(f"{self.path}: a row with the wrong number of values")
            batch.append({c: decode(v, k) for c, v, k in zip(columns, item, kinds, strict=True)})
            if len(batch) >= BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


def read_info(path: Path) -> BackupInfo:
    """The header of a backup file (what it holds, from which schema revision)."""
    with BackupReader(path) as reader:
        return reader.info
