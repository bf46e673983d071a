"""Forgetting people in Redis: everything live state keeps under their accounts and entry."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from redis.asyncio import Redis

from storage.keys import Keys

# What one pipeline carries at a time when a whole contest's accounts are forgotten.
BATCH = 1000
# The one-time step of /xoadulieu (see handlers.erasure).
ERASE_STEP = "erase"


class ErasureStore:
    """Removes every key naming an account or an entry (see `Keys`)."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    async def drop_attempt(self, participant_id: int) -> None:
        """Forget the entry's live attempt, submitted or not, its practice and its linking
        code."""
        k = self.keys
        code = cast(str | None, await self.redis.get(k.link_of(participant_id)))
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.delete(
                k.attempt(participant_id), k.practice(participant_id), k.link_of(participant_id)
            )
            if code:
                pipe.delete(k.link_code(code))
            pipe.zrem(k.deadlines, str(participant_id))
            pipe.srem(k.pending, str(participant_id))
            await pipe.execute()

    async def forget(self, user_keys: Sequence[str], days: Sequence[str] | None = None) -> None:
        """Forget accounts: their conversation and draft, which entry they are, the options
        last listed to them, their recent updates and flood count, a blocked mark, an upload,
        the erasure step, and the phones and linking codes they tried per local day: on the
        given days, or (None) on whatever days are still kept, found by scanning, which costs
        a pass over every key: for one person's request, not for a whole contest's."""
        k = self.keys
        for start in range(0, len(user_keys), BATCH):
            chunk = user_keys[start : start + BATCH]
            counters = (
                [key for user in chunk for key in await self._counters(user)]
                if days is None
                else [
                    key
                    for user in chunk
                    for day in days
                    for key in (k.phones_tried(user, day), k.link_failures(user, day))
                ]
            )
            async with self.redis.pipeline(transaction=False) as pipe:
                for user in chunk:
                    pipe.delete(
                        k.conversation(user),
                        k.account(user),
                        k.buttons(user),
                        k.updates(user),
                        k.rate(user),
                        k.upload(user),
                        k.step(user, ERASE_STEP),
                    )
                if counters:
                    pipe.delete(*counters)
                pipe.srem(k.blocked, *chunk)
                await pipe.execute()

    async def _counters(self, user_key: str) -> list[str]:
        k, user = self.keys, _glob_escaped(user_key)
        found = []
        for pattern in (k.phones_tried(user, "*"), k.link_failures(user, "*")):
            found += [key async for key in self.redis.scan_iter(match=pattern, count=1000)]
        return found


def _glob_escaped(text: str) -> str:
    """Text matched literally by a Redis pattern."""
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in text)
