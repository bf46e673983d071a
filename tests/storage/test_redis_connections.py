"""The session store on the real Redis when more updates are in flight than it has connections."""

from __future__ import annotations

import asyncio

import pytest

from storage.session import Admission, SessionStore, connect_redis
from tests.support.servers import REDIS_URL, redis_prefix

pytestmark = pytest.mark.redis


async def test_more_updates_at_once_than_pooled_connections_wait_for_one_instead_of_failing() -> (
    None
):
    async with redis_prefix() as (_, prefix):
        redis = connect_redis(REDIS_URL, max_connections=8)
        try:
            store = SessionStore(redis, prefix)

            def update(i: int) -> Admission:
                return Admission("telegram", str(i), f"telegram:{i}", 10, 60)

            firsts = await asyncio.gather(*(store.admit(update(i)) for i in range(300)))
            assert all(firsts)
            again = await asyncio.gather(*(store.admit(update(i)) for i in range(300)))
            assert not any(again)
        finally:
            await redis.aclose()
