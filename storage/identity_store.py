"""Live identity state in Redis: linking codes, and what each account tried today."""

from __future__ import annotations

from typing import cast

from redis.asyncio import Redis

from storage.keys import IDENTITY_COUNTER_TTL, LINK_CODE_TTL, Keys

# Adds a phone to the account's phones of the day unless that would pass the limit; a phone
# already given counts once. 1: allowed, 0: over the limit.
_TRY_PHONE = """
if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SADD', KEYS[1], ARGV[1])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return 1
"""


class IdentityStore:
    """Linking codes (one live code per entry, used once) and per-account daily counters."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._try_phone = redis.register_script(_TRY_PHONE)

    async def issue(self, participant_id: int, code: str, now_ms: int) -> bool:
        """Make `code` the entry's linking code (its earlier one stops working); False if the
        code is in use by another entry (the caller draws another)."""
        ttl = int(LINK_CODE_TTL.total_seconds())
        value = f"{participant_id}:{now_ms + ttl * 1000}"
        key = self.keys.link_code(code)
        if not await self.redis.set(key, value, nx=True, ex=ttl):
            return False
        old = await self.redis.set(self.keys.link_of(participant_id), code, ex=ttl, get=True)
        if old and old != code:
            await self.redis.delete(self.keys.link_code(str(old)))
        return True

    async def holder(self, code: str, now_ms: int) -> int | None:
        """The entry a live code names, without using it."""
        return _live(cast(str | None, await self.redis.get(self.keys.link_code(code))), now_ms)

    async def take(self, code: str, now_ms: int) -> int | None:
        """Use a code: the entry it names, once; None when it is unknown, expired or used."""
        pid = _live(cast(str | None, await self.redis.getdel(self.keys.link_code(code))), now_ms)
        if pid is not None:
            await self.redis.delete(self.keys.link_of(pid))
        return pid

    async def failures(self, user_key: str, day: str) -> int:
        """Wrong codes this account typed on a local day."""
        value = await self.redis.get(self.keys.link_failures(user_key, day))
        return int(value) if value else 0

    async def fail(self, user_key: str, day: str) -> int:
        """Count one more wrong code; the count of the day."""
        key = self.keys.link_failures(user_key, day)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key)
            pipe.expire(key, IDENTITY_COUNTER_TTL)
            count, _ = await pipe.execute()
        return int(count)

    async def try_phone(self, user_key: str, day: str, phone: str, limit: int) -> bool:
        """Count a phone the account gives on a local day; False past `limit` different ones."""
        ttl = int(IDENTITY_COUNTER_TTL.total_seconds())
        key = self.keys.phones_tried(user_key, day)
        return bool(await self._try_phone(keys=[key], args=[phone, limit, ttl]))


def _live(value: str | None, now_ms: int) -> int | None:
    """The participant id of a stored code, unless it expired by the contest's clock (the
    key's own expiry only clears it away)."""
    if not value:
        return None
    pid, _, expires = value.partition(":")
    return int(pid) if now_ms <= int(expires) else None
