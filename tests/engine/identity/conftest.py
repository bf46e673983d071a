"""The identity tests run the same engine on SQLite with the in-process store, and on the real
PostgreSQL with the real Redis: who an entry is must not depend on the database."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator

import pytest

from bot.app import App, open_app
from bot.clock import ManualClock
from bot.config import Settings
from handlers.rounds import reconcile
from tests.conftest import vn
from tests.support.servers import REDIS_URL, postgres_copy, redis_prefix


async def _migrated_with_bank(settings: Settings, url: str) -> None:
    built = settings.model_copy(update={"database_url": url, "redis_url": None})
    async with open_app(built, clock=ManualClock(vn(2023, 2, 20, 8, 0)), rng=random.Random(7)):
        pass


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=[pytest.mark.postgres, pytest.mark.redis]),
    ]
)
async def app(
    request: pytest.FixtureRequest,
    app: App,
    settings: Settings,
    clock: ManualClock,
) -> AsyncIterator[App]:
    """The whole bot on SQLite (the usual `app`), or on PostgreSQL and Redis (the SQLite one is
    then opened too, unused: cheaper than repeating how it is built)."""
    if request.param == "sqlite":
        yield app
        return

    async def build(url: str) -> None:
        await _migrated_with_bank(settings, url)

    async with (
        postgres_copy("migrated-with-sample-bank", build) as url,
        redis_prefix() as (_, prefix),
    ):
        on_postgres = settings.model_copy(
            update={"database_url": url, "redis_url": REDIS_URL, "redis_prefix": prefix}
        )
        async with open_app(on_postgres, clock=clock, rng=random.Random(7)) as a:
            await reconcile(a.svc)
            yield a
