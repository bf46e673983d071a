"""Script calls made at once share one pipeline on the real Redis; each caller gets its reply."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError

from storage.batch import BatchedScript
from storage.session import connect_redis
from tests.support.servers import REDIS_URL, redis_prefix

pytestmark = pytest.mark.redis

# Counts the calls on one key and answers with the caller's argument and its turn.
COUNT = """
if ARGV[1] == 'bad' then return redis.error_reply('refused: ' .. ARGV[1]) end
return {ARGV[1], redis.call('INCR', KEYS[1])}
"""


class Counted(BatchedScript):
    """A BatchedScript that counts the pipelines it sends, and their sizes."""

    def __init__(self, redis: Redis, script: Any) -> None:
        super().__init__(redis, script)
        self.sizes: list[int] = []

    @property
    def pipelines(self) -> int:
        return len(self.sizes)

    async def _evalsha(self, calls: list[Any]) -> list[Any]:
        self.sizes.append(len(calls))
        return await super()._evalsha(calls)


@pytest.fixture
async def redis_and_key() -> AsyncIterator[tuple[Redis, str]]:
    async with redis_prefix() as (_, prefix):
        redis = connect_redis(REDIS_URL, max_connections=8)
        try:
            yield redis, f"{prefix}:count"
        finally:
            await redis.aclose()


async def test_calls_made_at_once_go_as_one_pipeline_in_order_each_with_its_own_reply(
    redis_and_key: tuple[Redis, str],
) -> None:
    redis, key = redis_and_key
    script = Counted(redis, redis.register_script(COUNT))
    await script(keys=[key], args=["alone"])  # Redis has the script from now on
    replies = await asyncio.gather(*(script(keys=[key], args=[f"c{i}"]) for i in range(300)))
    assert replies == [[f"c{i}", i + 2] for i in range(300)]
    assert script.pipelines == 1
    assert await redis.get(key) == "301"


async def test_calls_made_while_a_pipeline_is_out_go_together_in_the_next(
    redis_and_key: tuple[Redis, str],
) -> None:
    redis, key = redis_and_key
    later: list[asyncio.Future[Any]] = []

    class SlowFirst(Counted):
        async def _evalsha(self, calls: list[Any]) -> list[Any]:
            if not self.sizes:  # while the first pipeline is out, twenty more calls are made
                later.extend(
                    asyncio.ensure_future(self(keys=[key], args=[f"later{i}"])) for i in range(20)
                )
                await asyncio.sleep(0.05)
            return await super()._evalsha(calls)

    script = SlowFirst(redis, redis.register_script(COUNT))
    await script(keys=[key], args=["alone"])  # Redis has the script from now on
    first = await asyncio.gather(*(script(keys=[key], args=[f"first{i}"]) for i in range(5)))
    assert first == [[f"first{i}", i + 2] for i in range(5)]
    assert await asyncio.gather(*later) == [[f"later{i}", i + 7] for i in range(20)]
    assert script.sizes == [5, 20]


async def test_a_call_made_alone_goes_straight_to_redis(redis_and_key: tuple[Redis, str]) -> None:
    redis, key = redis_and_key
    script = Counted(redis, redis.register_script(COUNT))
    assert await script(keys=[key], args=["one"]) == ["one", 1]
    assert await script(keys=[key], args=["two"]) == ["two", 2]
    assert script.pipelines == 0


async def test_an_error_reaches_its_own_caller_only(redis_and_key: tuple[Redis, str]) -> None:
    redis, key = redis_and_key
    script = BatchedScript(redis, redis.register_script(COUNT))
    replies = await asyncio.gather(
        script(keys=[key], args=["a"]),
        script(keys=[key], args=["bad"]),
        script(keys=[key], args=["b"]),
        return_exceptions=True,
    )
    assert replies[0] == ["a", 1]
    assert isinstance(replies[1], ResponseError)
    assert "refused: bad" in str(replies[1])
    assert replies[2] == ["b", 2]


async def test_a_script_redis_lost_is_loaded_again_and_every_call_runs_once(
    redis_and_key: tuple[Redis, str],
) -> None:
    redis, key = redis_and_key
    script = Counted(redis, redis.register_script(COUNT))
    await script(keys=[key], args=["before"])
    await redis.script_flush()  # as after a restart of Redis
    replies = await asyncio.gather(*(script(keys=[key], args=[f"c{i}"]) for i in range(50)))
    assert replies == [[f"c{i}", i + 2] for i in range(50)]
    assert script.pipelines == 2  # the first found the script missing, the second ran it
    assert await redis.get(key) == "51"


async def test_a_cancelled_caller_leaves_the_others_their_replies(
    redis_and_key: tuple[Redis, str],
) -> None:
    redis, key = redis_and_key
    script = BatchedScript(redis, redis.register_script(COUNT))
    calls = [asyncio.ensure_future(script(keys=[key], args=[f"c{i}"])) for i in range(5)]
    await asyncio.sleep(0)
    calls[2].cancel()
    done = await asyncio.gather(*calls, return_exceptions=True)
    assert isinstance(done[2], asyncio.CancelledError)
    assert [done[i] for i in (0, 1, 3, 4)] == [["c0", 1], ["c1", 2], ["c3", 4], ["c4", 5]]


async def test_when_redis_cannot_be_reached_every_caller_is_told() -> None:
    redis = connect_redis("redis://127.0.0.1:1/0")  # nothing listens there
    try:
        script = BatchedScript(redis, redis.register_script(COUNT))
        replies = await asyncio.gather(
            *(script(keys=["k"], args=[str(i)]) for i in range(3)), return_exceptions=True
        )
        assert all(isinstance(r, RedisConnectionError) for r in replies)
    finally:
        await redis.aclose()
