"""Live conversation state in Redis (or the in-process store that speaks the same commands).

The attempt, admission, script and connection pieces live in their own modules; their public
names are importable from here too, as they always were.
"""

from __future__ import annotations

import base64
import json
import secrets
from enum import StrEnum
from typing import Any, cast

from redis.asyncio import Redis

from storage.admission import Admission, Verdict, admission_args, decide
from storage.batch import BatchedScript
from storage.connections import (
    MAX_CONNECTIONS,
    FairConnectionPool,
    connect_redis,
    in_process_redis,
)
from storage.keys import (
    ACCOUNT_TTL,
    ATTEMPT_GRACE,
    BUTTONS_TTL,
    CONVERSATION_TTL,
    STEP_TTL,
    UPLOAD_TTL,
    Keys,
)
from storage.live_attempt import AnswerOutcome, LiveAttempt, Stage, tapped
from storage.scripts import (
    ADMIT,
    ADMIT_AND_ANSWER,
    ANSWER,
    CLAIM_STEP,
    FINISH,
    PACE,
    PREDICT,
    SHOWN,
    START,
)

__all__ = [
    "MAX_CONNECTIONS",
    "Admission",
    "AnswerOutcome",
    "FairConnectionPool",
    "LiveAttempt",
    "SessionStore",
    "Stage",
    "StepClaim",
    "Verdict",
    "connect_redis",
    "in_process_redis",
]


class StepClaim(StrEnum):
    """What a tap on an organiser's one-time button finds."""

    CLAIMED = "claimed"  # the first tap: act on it
    DONE = "done"  # an earlier tap already acted
    UNKNOWN = "unknown"  # expired, replaced by a newer showing of the step, or made up


class SessionStore:
    """The operations the bot performs on live state; all key names come from Keys."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.keys = Keys(prefix)
        self._answer = redis.register_script(ANSWER)
        self._predict = redis.register_script(PREDICT)
        # Every question shown reports here: batched like the taps (see storage/batch.py).
        self._shown = BatchedScript(redis, redis.register_script(SHOWN))
        self._finish = redis.register_script(FINISH)
        self._start = redis.register_script(START)
        self._admit = redis.register_script(ADMIT)
        # Every answer tap runs this one: under load, many at once share a pipeline.
        self._admit_and_answer = BatchedScript(redis, redis.register_script(ADMIT_AND_ANSWER))
        self._pace = redis.register_script(PACE)
        self._claim_step = redis.register_script(CLAIM_STEP)

    async def admit(self, admission: Admission) -> bool:
        """Decide an update's admission (once), in one round trip; True when it is let in."""
        if admission.verdict is None:
            reply = await self._admit(
                keys=[self.keys.updates(admission.user_key), self.keys.rate(admission.user_key)],
                args=admission_args(admission),
            )
            decide(admission, reply)
        return admission.verdict is Verdict.ADMITTED

    async def conversation(self, user_key: str) -> dict[str, str]:
        """The user's flow state and draft (empty when idle)."""
        return cast(dict[str, str], await self.redis.hgetall(self.keys.conversation(user_key)))

    async def save_conversation(self, user_key: str, values: dict[str, str]) -> None:
        """Replace the user's flow state and draft."""
        key = self.keys.conversation(user_key)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.delete(key)
            if values:
                pipe.hset(key, mapping=cast(Any, values))
                pipe.expire(key, CONVERSATION_TTL)
            await pipe.execute()

    async def clear_conversation(self, user_key: str) -> None:
        """Forget the user's flow state."""
        await self.redis.delete(self.keys.conversation(user_key))

    async def cached_participant(self, user_key: str) -> int | None:
        """The participant id of an account, if cached."""
        value = await self.redis.get(self.keys.account(user_key))
        return int(value) if value else None

    async def cache_participant(self, user_key: str, participant_id: int) -> None:
        """Remember which participant an account belongs to."""
        await self.redis.set(self.keys.account(user_key), str(participant_id), ex=ACCOUNT_TTL)

    async def start_attempt(self, participant_id: int, attempt: LiveAttempt) -> bool:
        """Store a new live attempt; False when the participant already has one."""
        fields = attempt.to_fields()
        ttl_ms = max(attempt.deadline_ms - attempt.started_ms, 0) + int(
            ATTEMPT_GRACE.total_seconds() * 1000
        )
        flat = [item for pair in fields.items() for item in pair]
        started = await self._start(keys=[self.keys.attempt(participant_id)], args=[ttl_ms, *flat])
        if started:
            await self.redis.zadd(self.keys.deadlines, {str(participant_id): attempt.deadline_ms})
        return bool(started)

    async def attempt(self, participant_id: int) -> LiveAttempt | None:
        """The participant's live attempt, if any."""
        h = await self.redis.hgetall(self.keys.attempt(participant_id))
        return LiveAttempt.from_fields(cast(dict[str, str], h)) if h else None

    async def answer(
        self, participant_id: int, *, code: str, index: int, shown: int, now_ms: int
    ) -> AnswerOutcome:
        """Record the answer to question `index` once, if it is the current one and in time."""
        outcome, _ = await self.tap(
            participant_id, code=code, index=index, shown=shown, now_ms=now_ms
        )
        return outcome

    async def tap(
        self, participant_id: int, *, code: str, index: int, shown: int, now_ms: int
    ) -> tuple[AnswerOutcome, LiveAttempt | None]:
        """Record an answer as `answer` does; also the live attempt as it was before it."""
        reply = await self._answer(
            keys=[self.keys.attempt(participant_id)], args=[code, index, shown, now_ms]
        )
        return tapped(reply)

    async def admit_and_tap(
        self,
        admission: Admission,
        participant_id: int,
        *,
        code: str,
        index: int,
        shown: int,
        now_ms: int,
    ) -> tuple[AnswerOutcome, LiveAttempt | None]:
        """Decide an undecided admission and record the tap as `tap` does, in one round trip.

        The tap counts only if the update is let in and the tapping account
        (`admission.user_key`) is cached as `participant_id`; otherwise nothing is recorded
        and the outcome is TURNED_AWAY or UNKNOWN_ACCOUNT.
        """
        assert admission.verdict is None, "an admission is decided once"
        reply = await self._admit_and_answer(
            keys=[
                self.keys.attempt(participant_id),
                self.keys.updates(admission.user_key),
                self.keys.rate(admission.user_key),
                self.keys.account(admission.user_key),
            ],
            args=[code, index, shown, now_ms, *admission_args(admission), participant_id],
        )
        if reply[0] in (Verdict.REPEATED, Verdict.FLOODED):
            decide(admission, reply)
            return AnswerOutcome.TURNED_AWAY, None
        admission.verdict = Verdict.ADMITTED
        return tapped(reply)

    async def shown(self, participant_id: int, *, code: str, index: int, now_ms: int) -> bool:
        """The message showing step `index` of the attempt reached the participant at `now_ms`
        (the first time only); the deadline moves on by the time the bot took to show it."""
        return bool(
            await self._shown(
                keys=[self.keys.attempt(participant_id), self.keys.deadlines],
                args=[code, index, now_ms, participant_id],
            )
        )

    async def set_prediction(self, participant_id: int, *, code: str, value: int) -> bool:
        """Record the prediction once the questions are done, only once; False otherwise."""
        return bool(
            await self._predict(keys=[self.keys.attempt(participant_id)], args=[code, value])
        )

    async def finish(self, participant_id: int, *, code: str, now_ms: int, auto: bool) -> bool:
        """Mark the attempt finished; True only for the first caller."""
        return bool(
            await self._finish(
                keys=[self.keys.attempt(participant_id)], args=[code, now_ms, "1" if auto else "0"]
            )
        )

    async def discard_attempt(self, participant_id: int) -> None:
        """Forget a live attempt once SQL holds it."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.delete(self.keys.attempt(participant_id))
            pipe.zrem(self.keys.deadlines, str(participant_id))
            pipe.srem(self.keys.pending, str(participant_id))
            await pipe.execute()

    async def hold_for_sql(self, participant_id: int) -> None:
        """Keep a finished attempt until SQL takes it: no expiry, listed as pending."""
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.persist(self.keys.attempt(participant_id))
            pipe.sadd(self.keys.pending, str(participant_id))
            await pipe.execute()

    async def pending(self) -> list[int]:
        """Participants whose finished attempt waits for SQL."""
        return sorted(int(x) for x in await self.redis.smembers(self.keys.pending))

    async def due(self, now_ms: int, limit: int = 500) -> list[int]:
        """Participants whose live attempt is past its deadline."""
        ids = await self.redis.zrangebyscore(self.keys.deadlines, 0, now_ms, start=0, num=limit)
        return [int(cast(str, x)) for x in ids]

    async def live_count(self) -> int:
        """How many attempts are in progress."""
        return int(await self.redis.zcard(self.keys.deadlines))

    async def pace(self, name: str, interval_ms: int, now_ms: int) -> int:
        """Take the next sending slot of a paced stream; returns the milliseconds to wait."""
        return int(await self._pace(keys=[self.keys.pace(name)], args=[interval_ms, now_ms]))

    async def save_buttons(self, user_key: str, buttons: list[tuple[str, str]]) -> None:
        """Remember the (label, token) pairs last shown as text; an empty list forgets them."""
        key = self.keys.buttons(user_key)
        if not buttons:
            await self.redis.delete(key)
            return
        await self.redis.set(key, json.dumps(buttons, ensure_ascii=False), ex=BUTTONS_TTL)

    async def buttons(self, user_key: str) -> list[tuple[str, str]]:
        """The (label, token) pairs last shown as text to a user, oldest first ([] if none)."""
        raw = await self.redis.get(self.keys.buttons(user_key))
        if not raw:
            return []
        return [(str(label), str(token)) for label, token in json.loads(raw)]

    async def put_upload(self, user_key: str, filename: str, data: bytes) -> None:
        """Keep an uploaded file until its sender confirms it."""
        await self.redis.hset(
            self.keys.upload(user_key),
            mapping={"name": filename, "data": base64.b64encode(data).decode()},
        )
        await self.redis.expire(self.keys.upload(user_key), UPLOAD_TTL)

    async def take_upload(self, user_key: str) -> tuple[str, bytes] | None:
        """The uploaded file (name, bytes), removed from the store; None when there is none."""
        key = self.keys.upload(user_key)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(key)
            pipe.delete(key)
            found, _ = await pipe.execute()
        if not found:
            return None
        return found["name"], base64.b64decode(found["data"])

    async def issue_step(self, user_key: str, step: str) -> str:
        """A new one-time code for the buttons of an organiser's step; earlier ones stop working."""
        code = secrets.token_urlsafe(6)
        await self.redis.set(self.keys.step(user_key, step), code, ex=STEP_TTL)
        return code

    async def claim_step(self, user_key: str, step: str, code: str) -> StepClaim:
        """Claim a step's code: CLAIMED for the first tap only, in one atomic step."""
        return StepClaim(await self._claim_step(keys=[self.keys.step(user_key, step)], args=[code]))

    async def mark_blocked(self, user_key: str) -> None:
        """Remember that this account blocked the bot."""
        await self.redis.sadd(self.keys.blocked, user_key)

    async def unmark_blocked(self, user_key: str) -> bool:
        """Forget that this account blocked the bot; True when it had."""
        return bool(await self.redis.srem(self.keys.blocked, user_key))
