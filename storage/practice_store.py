"""Practice attempts in Redis: the same attempt hash and the same answer script as a real
attempt, under a key of their own, with no deadline index, so nothing ever submits, ranks or
counts them."""

from __future__ import annotations

from typing import cast

from redis.asyncio import Redis

from storage.keys import PRACTICE_TTL, Keys
from storage.live_attempt import AnswerOutcome, LiveAttempt, tapped
from storage.scripts import ANSWER, START


class PracticeStore:
    """One practice attempt per participant at most; each answer recorded once."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys
        self._start = redis.register_script(START)
        self._answer = redis.register_script(ANSWER)

    async def start(self, participant_id: int, attempt: LiveAttempt) -> bool:
        """Store a new practice attempt; False when the participant already has one."""
        flat = [item for pair in attempt.to_fields().items() for item in pair]
        ttl_ms = int(PRACTICE_TTL.total_seconds() * 1000)
        key = self.keys.practice(participant_id)
        return bool(await self._start(keys=[key], args=[ttl_ms, *flat]))

    async def get(self, participant_id: int) -> LiveAttempt | None:
        """The participant's practice attempt, if one is going on."""
        h = await self.redis.hgetall(self.keys.practice(participant_id))
        return LiveAttempt.from_fields(cast(dict[str, str], h)) if h else None

    async def tap(
        self, participant_id: int, *, code: str, index: int, shown: int, now_ms: int
    ) -> tuple[AnswerOutcome, LiveAttempt | None]:
        """Record the answer to question `index` once, if it is the current one; also the
        practice attempt as it was before the answer."""
        reply = await self._answer(
            keys=[self.keys.practice(participant_id)], args=[code, index, shown, now_ms]
        )
        return tapped(reply)

    async def end(self, participant_id: int, code: str | None = None) -> bool:
        """Forget the practice attempt (only the one with `code`, when given); True if one was
        going on."""
        key = self.keys.practice(participant_id)
        if code is not None and await self.redis.hget(key, "id") != code:
            return False
        return bool(await self.redis.delete(key))
