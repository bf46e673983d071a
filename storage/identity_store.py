"""Live identity state in Redis: linking codes, and what each account tried today."""

from __future__ import annotations

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

    async def issue(self, participant_id: int, code: str) -> bool:
        """Make `code` the entry's linking code (its earlier one stops working); False if the
        code is in use by another entry (the caller draws another)."""
        ttl = int(LINK_CODE_TTL.total_seconds())
        if not await self.redis.set(
            self.keys.link_code(code), str(participant_id), nx=True, ex=ttl
        ):
            return False
        old = await self.redis.set(self.keys.link_of(participant_id), code, ex=ttl, get=True)
        if old and old != code:
            await self.redis.delete(self.keys.link_code(str(old)))
        return True

    async def holder(self, code: str) -> int | None:
        """The entry a live code names, without using it."""
        value = await self.redis.get(self.keys.link_code(code))
        return int(value) if value else None

    async def take(self, code: str) -> int | None:
        """Use a code: the entry it names, once; None when it is unknown, expired or used."""
        value = await self.redis.getdel(self.keys.link_code(code))
        if not value:
            return None
        await self.redis.delete(self.keys.link_of(int(value)))
        return int(value)

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
