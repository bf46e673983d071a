"""What the backup tests share: a contest with a row in every table, every table read back, and
the bot on either database."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Connection

from bot.app import App, open_app
from bot.clock import ManualClock
from bot.config import Settings
from handlers import verification
from handlers.contest import CollectivePrize
from handlers.rounds import reconcile
from storage.backup import BackupReader, backup, reflect
from storage.db import create_engine
from storage.restore import Restored, restore
from tests.conftest import vn
from tests.results_round import DUNG, close_with_four
from tests.support.client import Person
from tests.support.servers import REDIS_URL, postgres_database, redis_prefix

# Each backup test runs on SQLite, and on PostgreSQL with the real Redis.
DATABASES = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=[pytest.mark.postgres, pytest.mark.redis]),
]


async def back_up(url: str, path: Path) -> None:
    """`quizbot backup` of the database at `url`, in this process."""
    engine = create_engine(url)
    try:
        await backup(engine, path, now=datetime.now(UTC))
    finally:
        await engine.dispose()


async def restore_into(url: str, path: Path, *, force: bool = False) -> Restored:
    """`quizbot restore` into the database at `url`, in this process."""
    engine = create_engine(url)
    try:
        with BackupReader(path) as reader:
            return await restore(engine, reader, force=force)
    finally:
        await engine.dispose()


async def every_row(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every table's rows in key order, as the database holds them."""

    def read(connection: Connection) -> dict[str, list[dict[str, Any]]]:
        out = {}
        for table in reflect(connection):
            order = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table).order_by(*order)).all()
            out[table.name] = [dict(r._mapping) for r in rows]
        return out

    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(read)
    finally:
        await engine.dispose()


async def fill_every_table(app: App, clock: ManualClock) -> None:
    """A closed round with winners (one entry set aside by the jury) and its announcements,
    an entry on hold, an account that blocked the bot, an organiser's broadcast, a second
    phone, a collective prize and the winners' certificate codes (one revoked): a row in
    every table."""
    svc = app.svc
    by_locality = CollectivePrize(name="Giải tập thể", among="localities", by="participants")
    svc.contest = svc.contest.model_copy(update={"collective_prizes": [by_locality]})
    results = await close_with_four(app, clock, set_aside=DUNG)
    codes = await verification.issue_codes(svc, "2023-Q1", verification.holders(svc, results))
    await verification.revoke(svc, min(codes.values()), "Giấy in hỏng", actor="test")
    late = Person.on(app, "zalo", "z-77", "Hoàng Văn Em")
    clock.set(vn(2023, 4, 3, 9, 0))
    await late.register(name="Hoàng Văn Em", phone="0977111222", typed_phone=True)
    pid = await late.participant_id()
    await svc.identities.set_hold(
        pid, held=True, now=clock.now(), actor="test", reason="Chờ xác minh"
    )
    await svc.broadcasts.mark_blocked("zalo", "z-77", clock.now())


@asynccontextmanager
async def bot_on(database: str, settings: Settings, clock: ManualClock) -> AsyncIterator[App]:
    """The whole bot on a fresh database: a SQLite file beside `settings`' own, or a new
    PostgreSQL database with the real Redis."""
    if database == "sqlite":
        url = settings.database_url.replace("quizbot.db", "source.db")
        async with opened(settings.model_copy(update={"database_url": url}), clock) as a:
            yield a
        return
    async with postgres_database() as url, redis_prefix() as (_, prefix):
        on_postgres = settings.model_copy(
            update={"database_url": url, "redis_url": REDIS_URL, "redis_prefix": prefix}
        )
        async with opened(on_postgres, clock) as a:
            yield a


def bot_at(url: str, settings: Settings, clock: ManualClock) -> AbstractAsyncContextManager[App]:
    """The whole bot on the database at `url`, with the in-process store."""
    return opened(settings.model_copy(update={"database_url": url, "redis_url": None}), clock)


@asynccontextmanager
async def opened(settings: Settings, clock: ManualClock) -> AsyncIterator[App]:
    async with open_app(settings, clock=clock, rng=random.Random(7)) as a:
        await reconcile(a.svc)
        yield a


@asynccontextmanager
async def empty_database(database: str, settings: Settings) -> AsyncIterator[str]:
    """The URL of a database nothing has touched yet, on SQLite or PostgreSQL."""
    if database == "sqlite":
        yield settings.database_url.replace("quizbot.db", "restored.db")
        return
    async with postgres_database() as url:
        yield url
