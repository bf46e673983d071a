"""What every scenario starts from: a clock inside a round, simulated people, the servers."""

from __future__ import annotations

import gc
import os
import random
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import asyncpg
from redis.asyncio import Redis

from bot.config import Settings
from bot.demo import FAMILY, GIVEN, MIDDLE, UNITS
from bot.runtime import tune_interpreter

ROOT = Path(__file__).resolve().parents[1]
CONTEST_FILE = ROOT / "contest.yaml"
RESULTS_DIR = Path(__file__).resolve().parent / "results"
VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROUND = "2023-Q1"
# 08:00 on 20/02/2023, five days into round 2023-Q1.
IN_ROUND = datetime(2023, 2, 20, 8, 0, tzinfo=VN)

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


class ShiftedClock:
    """Real time moved to start at a chosen instant; `shift` jumps ahead (the next day)."""

    def __init__(self, start: datetime) -> None:
        self._offset = start.astimezone(UTC) - datetime.now(UTC)

    def now(self) -> datetime:
        """The shifted current instant (UTC)."""
        return datetime.now(UTC) + self._offset

    def shift(self, delta: timedelta) -> None:
        """Move forward by `delta`, and keep running."""
        self._offset += delta


def bench_settings(database_url: str, redis: tuple[str, str] | None = None) -> Settings:
    """The bot's settings for a run: its database, and (url, key prefix) of the real Redis or
    the in-process store; no .env is read."""
    if redis is None:
        return Settings(database_url=database_url, contest_file=CONTEST_FILE, _env_file=None)
    return Settings(
        database_url=database_url,
        redis_url=redis[0],
        redis_prefix=redis[1],
        contest_file=CONTEST_FILE,
        _env_file=None,
    )


@contextmanager
def like_a_bot_process() -> Iterator[None]:
    """The garbage collector and the GIL's switch interval set as `quizbot` sets its own,
    and put back afterwards."""
    thresholds = gc.get_threshold()
    interval = sys.getswitchinterval()
    tune_interpreter()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        sys.setswitchinterval(interval)


def full_name(rng: random.Random) -> str:
    """A made-up Vietnamese full name."""
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def unit(rng: random.Random) -> str:
    """A made-up workplace (or "Người dân")."""
    return rng.choice(UNITS)


def phone(i: int) -> str:
    """The i-th simulated mobile number, normalised (+849…), distinct for i < 10^8."""
    return f"+849{i:08d}"


def prefix() -> str:
    """A Redis key prefix for one run alone."""
    return f"quizbot-bench-{uuid.uuid4().hex[:12]}"


@asynccontextmanager
async def redis_prefix(url: str = REDIS_URL) -> AsyncIterator[tuple[Redis, str]]:
    """A client of the real Redis and a prefix of this run alone, its keys removed afterwards."""
    client = Redis.from_url(url, decode_responses=True)
    try:
        await client.ping()
    except Exception as exc:
        await client.aclose()
        raise SystemExit(f"Redis is not reachable at {url} ({exc}); set REDIS_URL") from exc
    name = prefix()
    try:
        yield client, name
    finally:
        keys = [k async for k in client.scan_iter(match=f"{name}:*", count=5000)]
        for start in range(0, len(keys), 5000):
            await client.delete(*keys[start : start + 5000])
        await client.aclose()


@asynccontextmanager
async def postgres_database(url: str = POSTGRES_URL) -> AsyncIterator[str]:
    """A fresh PostgreSQL database for one run (an async SQLAlchemy URL), dropped afterwards."""
    name = f"quizbot_bench_{uuid.uuid4().hex[:12]}"
    try:
        admin = await asyncpg.connect(url)
    except Exception as exc:
        raise SystemExit(f"PostgreSQL is not reachable at {url} ({exc}); set POSTGRES_URL") from exc
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        base = url.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
        yield f"{base}/{name}"
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
