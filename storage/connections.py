"""Connections to Redis: a fair pool for the real server, or an in-process one."""

from __future__ import annotations

import asyncio
from typing import Any, cast

import fakeredis
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import AbstractConnection


def in_process_redis() -> Redis:
    """A Redis that lives in this process, for single-process runs with no REDIS_URL."""
    return cast(
        Redis, fakeredis.FakeAsyncRedis(server=fakeredis.FakeServer(), decode_responses=True)
    )


# Connections one process keeps to Redis. Every update in flight holds one while a command
# runs, and a bot under load has hundreds in flight; a few dozen connections serve them all,
# each command taking well under a millisecond.
MAX_CONNECTIONS = 50


class FairConnectionPool(ConnectionPool):
    """At most `max_connections`; callers past that wait their turn, first come first served.

    redis-py's own pool refuses them ("Too many connections", and the update fails), and its
    BlockingConnectionPool lets newcomers overtake those already waiting: under load some
    updates waited for tens of seconds while others went straight through.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._turns = asyncio.Semaphore(self.max_connections)

    async def get_connection(self, *args: Any, **kwargs: Any) -> AbstractConnection:
        """A connection, once one is free for this caller."""
        await self._turns.acquire()
        try:
            connection = await super().get_connection(*args, **kwargs)  # type: ignore[no-untyped-call]
        except BaseException:
            self._turns.release()
            raise
        return cast(AbstractConnection, connection)

    async def release(self, connection: AbstractConnection) -> None:
        """Give a connection back and let the next caller in."""
        try:
            await super().release(connection)
        finally:
            self._turns.release()


def connect_redis(url: str | None, *, max_connections: int = MAX_CONNECTIONS) -> Redis:
    """The real Redis at `url`, or the in-process one when no URL is set."""
    if url is None:
        return in_process_redis()
    pool = FairConnectionPool.from_url(url, max_connections=max_connections, decode_responses=True)
    return Redis.from_pool(pool)
