"""The real Redis and PostgreSQL for tests: each run gets its own key prefix or database."""

from __future__ import annotations

import asyncio
import atexit
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import asyncpg
import pytest
from redis.asyncio import Redis

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get("POSTGRES_TEST_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
START_REDIS = (
    "redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no"
)
START_POSTGRES = "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"


@asynccontextmanager
async def redis_prefix() -> AsyncIterator[tuple[Redis, str]]:
    """A client of the real Redis and a key prefix of this test alone, cleaned up afterwards."""
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    try:
        await client.ping()
    except Exception as exc:
        await client.aclose()
        pytest.fail(f"Redis is not reachable at {REDIS_URL} ({exc}); start it with: {START_REDIS}")
    prefix = f"quizbot-test-{uuid.uuid4().hex[:12]}"
    try:
        yield client, prefix
    finally:
        keys = [k async for k in client.scan_iter(match=f"{prefix}:*", count=1000)]
        if keys:
            await client.delete(*keys)
        await client.aclose()


@asynccontextmanager
async def postgres_database(template: str | None = None) -> AsyncIterator[str]:
    """A fresh PostgreSQL database for one test (an async SQLAlchemy URL), dropped afterwards;
    a copy of the database `template` when one is named."""
    name = f"quizbot_test_{uuid.uuid4().hex[:12]}"
    admin = await _admin()
    try:
        copy = f' TEMPLATE "{template}"' if template else ""
        await admin.execute(f'CREATE DATABASE "{name}"{copy}')
        yield _url(name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


# Template databases built in this test run (what they hold -> database name), dropped at exit.
_templates: dict[str, str] = {}


@asynccontextmanager
async def postgres_copy(
    holding: str, build: Callable[[str], Awaitable[None]]
) -> AsyncIterator[str]:
    """A fresh database copied from a template that `build(url)` fills once per test run.

    Migrating and loading the sample bank take seconds on PostgreSQL; copying a database
    that has them takes a fraction of that.
    """
    if holding not in _templates:
        name = f"quizbot_template_{uuid.uuid4().hex[:12]}"
        admin = await _admin()
        try:
            await admin.execute(f'CREATE DATABASE "{name}"')
        finally:
            await admin.close()
        if not _templates:
            atexit.register(lambda: asyncio.run(_drop_templates()))
        _templates[holding] = name
        await build(_url(name))
    async with postgres_database(template=_templates[holding]) as url:
        yield url


async def _admin() -> asyncpg.Connection:
    """A connection to the test server's maintenance database."""
    try:
        return await asyncpg.connect(POSTGRES_URL)
    except Exception as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_URL} ({exc}); "
            f"start it with: {START_POSTGRES}"
        )


def _url(name: str) -> str:
    """The async SQLAlchemy URL of a database of the test server."""
    base = POSTGRES_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/{name}"


async def _drop_templates() -> None:
    admin = await asyncpg.connect(POSTGRES_URL)
    try:
        for name in _templates.values():
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
