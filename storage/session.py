"""Live conversation state in Redis (or the in-process store that speaks the same commands)."""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

import fakeredis
from redis.asyncio import ConnectionPool, Redis
from redis.asyncio.connection import AbstractConnection

from storage.batch import BatchedScript
from storage.keys import (
    ACCOUNT_TTL,
    ATTEMPT_GRACE,
    BUTTONS_TTL,
    CONVERSATION_TTL,
    STEP_TTL,
    UPDATE_TTL,
    UPDATES_KEPT,
    UPLOAD_TTL,
    Keys,
)

# Each script checks and changes one attempt hash in a single step, so a second tap, a replayed
# update or a tap racing the deadline can never record an answer twice or out of turn. The
# answer script also hands back the attempt as it was before the tap: what the reply shows,
# without a second round trip to read it.
_ANSWER = """
local h = redis.call('HGETALL', KEYS[1])
if #h == 0 then return {'none'} end
local f = {}
for i = 1, #h, 2 do f[h[i]] = h[i + 1] end
if f['id'] ~= ARGV[1] or f['st'] ~= 'q' then return {'stale', h} end
if tonumber(ARGV[4]) > tonumber(f['d']) then return {'expired', h} end
local nxt = tonumber(f['n'])
if tonumber(ARGV[2]) ~= nxt then return {'stale', h} end
local i, shown = 0, nil
for order in string.gmatch(f['o'], '[^|]+') do
  if i == nxt then shown = #order break end
  i = i + 1
end
if shown == nil or tonumber(ARGV[3]) >= shown then return {'stale', h} end
redis.call('HSET', KEYS[1], 'a' .. nxt, ARGV[3] .. ':' .. ARGV[4], 'n', nxt + 1)
if nxt + 1 >= tonumber(f['c']) then
  redis.call('HSET', KEYS[1], 'st', 'p')
  return {'last', h}
end
return {'ok', h}
"""


def _admission(key: int, arg: int) -> str:
    """Lua letting an update in: KEYS[key] its sender's recent updates (a list, newest first),
    KEYS[key + 1] its sender's flood counter; ARGV[arg .. arg + 4] the update's id, the
    de-duplication TTL, the flood window and limit, how many ids an account keeps.

    A redelivered update stops here without counting; an update past the limit is counted
    (the count says whether it is the first one over) and stops, and its id is not kept: it
    was not handled, so a copy of it may be, once. Only updates let in are remembered, at
    most UPDATES_KEPT per account, so a flooding sender leaves two keys, not one per update.
    """
    return f"""
if redis.call('LPOS', KEYS[{key}], ARGV[{arg}]) then return {{'repeat'}} end
local c = redis.call('INCR', KEYS[{key + 1}])
if c == 1 then redis.call('EXPIRE', KEYS[{key + 1}], ARGV[{arg + 2}]) end
if c > tonumber(ARGV[{arg + 3}]) then return {{'flood', c}} end
redis.call('LPUSH', KEYS[{key}], ARGV[{arg}])
redis.call('LTRIM', KEYS[{key}], 0, tonumber(ARGV[{arg + 4}]) - 1)
redis.call('EXPIRE', KEYS[{key}], ARGV[{arg + 1}])
"""


_ADMIT = _admission(1, 1) + "return {'in', c}\n"

# An answer tap in one round trip: let the update in, check that the tapping account is the
# participant the button names (the account cache, KEYS[4] = ARGV[10]), then the answer script.
# Four round trips before (de-duplication, flood counter, account cache, answer); each cost
# redis-py about as much CPU as the bot's own work on the tap.
_ADMIT_AND_ANSWER = (
    _admission(2, 5)
    + """
if redis.call('GET', KEYS[4]) ~= ARGV[10] then return {'who'} end
"""
    + _ANSWER
)

_PREDICT = """
local h = redis.call('HMGET', KEYS[1], 'id', 'st', 'pr')
if h[1] ~= ARGV[1] or h[2] ~= 'p' or h[3] then return 0 end
redis.call('HSET', KEYS[1], 'pr', ARGV[2])
return 1
"""

_FINISH = """
local h = redis.call('HMGET', KEYS[1], 'id', 'st')
if h[1] ~= ARGV[1] or h[2] == 'd' then return 0 end
redis.call('HSET', KEYS[1], 'st', 'd', 'f', ARGV[2], 'auto', ARGV[3])
return 1
"""

# The platform accepted the message showing step ARGV[2] (a question, or the prediction
# question when it equals the number of questions) of attempt ARGV[1] at ARGV[3]: the step's
# time starts then, once. The time between the step falling due (the previous answer, or the
# start) and that moment was the bot's, queueing under the platform's limits: the deadline
# moves on by as much, never past the round's close ('cl'). Shown after the deadline, the
# attempt is over (the sweep may have submitted it already): the deadline stays.
_SHOWN = """
local h = redis.call('HMGET', KEYS[1], 'id', 'st', 'n', 'd', 's', 'cl', 'v' .. ARGV[2])
if h[1] ~= ARGV[1] or h[2] == 'd' or h[7] then return 0 end
local step = tonumber(ARGV[2])
if step ~= tonumber(h[3]) then return 0 end
local now = tonumber(ARGV[3])
local due = tonumber(h[5])
if step > 0 then
  local a = redis.call('HGET', KEYS[1], 'a' .. (step - 1))
  if a then due = tonumber(string.match(a, ':(%d+)')) end
end
redis.call('HSET', KEYS[1], 'v' .. step, now)
local deadline = tonumber(h[4])
if h[6] and now > due and now <= deadline then
  local moved = math.min(deadline + now - due, tonumber(h[6]))
  if moved > deadline then
    redis.call('HSET', KEYS[1], 'd', moved)
    redis.call('ZADD', KEYS[2], moved, ARGV[4])
  end
end
return 1
"""

_START = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1
"""


# Hands out sending slots `interval` ms apart to every process that asks, and says how long
# the caller waits for its slot: a shared, smooth pace with no burst at second boundaries.
_PACE = """
local now = tonumber(ARGV[2])
local slot = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
redis.call('SET', KEYS[1], slot + tonumber(ARGV[1]), 'PX', 60000)
return slot - now
"""

# The first tap naming an organiser step's current code turns it into "done:<code>" in the same
# step as reading it, so two taps (in one process or two) cannot both act; a code the step no
# longer holds (expired, or replaced when the step was shown again) is unknown.
_CLAIM_STEP = """
local v = redis.call('GET', KEYS[1])
if v == ARGV[1] then
  redis.call('SET', KEYS[1], 'done:' .. ARGV[1], 'KEEPTTL')
  return 'claimed'
end
if v == 'done:' .. ARGV[1] then return 'done' end
return 'unknown'
"""


class StepClaim(StrEnum):
    """What a tap on an organiser's one-time button finds."""

    CLAIMED = "claimed"  # the first tap: act on it
    DONE = "done"  # an earlier tap already acted
    UNKNOWN = "unknown"  # expired, replaced by a newer showing of the step, or made up


class AnswerOutcome(StrEnum):
    """What happened to a tap on an answer button."""

    RECORDED = "ok"
    LAST = "last"
    STALE = "stale"
    EXPIRED = "expired"
    NONE = "none"
    # Only from admit_and_tap, which recorded nothing: the update was not let in (see its
    # Admission), or the account is not known as the participant the button names.
    TURNED_AWAY = "away"
    UNKNOWN_ACCOUNT = "who"


class Verdict(StrEnum):
    """Whether an update is let in."""

    ADMITTED = "in"
    REPEATED = "repeat"  # delivered before: handled then, ignored now
    FLOODED = "flood"  # its sender is past the flood limit


@dataclass(slots=True)
class Admission:
    """An update at the door: its id, its sender's recent updates and flood counter.

    Decided once, by the first store call made for the update: `admit`, or `admit_and_tap`
    for an answer tap, which decides it in the same round trip as recording the answer.
    `verdict` stays None until then.
    """

    channel: str
    update_id: str
    user_key: str
    flood_limit: int
    flood_window: int
    verdict: Verdict | None = None
    count: int = 0  # the sender's updates in the current window, this one included

    @property
    def refused(self) -> bool:
        """Decided, and not let in."""
        return self.verdict is not None and self.verdict is not Verdict.ADMITTED

    @property
    def first_over(self) -> bool:
        """The first update past the flood limit in this window (the one told to slow down)."""
        return self.verdict is Verdict.FLOODED and self.count == self.flood_limit + 1


class Stage(StrEnum):
    """Where a live attempt stands."""

    QUESTIONS = "q"
    PREDICTION = "p"
    DONE = "d"


@dataclass(slots=True)
class LiveAttempt:
    """An attempt in progress, as kept in the store.

    `orders[i]` lists, for question i, the bank's option indexes in the order shown.
    `answers[i]` is (shown option index, answered at in ms). `shown[i]` is when the platform
    accepted the message showing step i (question i, or the prediction question at
    i = number of questions); `closes_ms` when the round closes (the deadline never passes it).
    """

    code: str
    round_code: str
    user_key: str
    question_ids: list[int]
    orders: list[tuple[int, ...]]
    started_ms: int
    deadline_ms: int
    stage: Stage = Stage.QUESTIONS
    next_index: int = 0
    answers: dict[int, tuple[int, int]] = field(default_factory=dict)
    prediction: int | None = None
    finished_ms: int | None = None
    auto: bool = False
    shown: dict[int, int] = field(default_factory=dict)
    closes_ms: int | None = None

    def to_fields(self) -> dict[str, str]:
        """The hash fields a new attempt starts with."""
        return {
            "id": self.code,
            "r": self.round_code,
            "u": self.user_key,
            "q": ",".join(map(str, self.question_ids)),
            "o": "|".join("".join(map(str, order)) for order in self.orders),
            "s": str(self.started_ms),
            "d": str(self.deadline_ms),
            "st": self.stage.value,
            "n": str(self.next_index),
            "c": str(len(self.question_ids)),
        } | ({"cl": str(self.closes_ms)} if self.closes_ms is not None else {})

    @classmethod
    def from_fields(cls, h: dict[str, str]) -> LiveAttempt:
        """Rebuild an attempt from its hash."""
        answers: dict[int, tuple[int, int]] = {}
        shown_at: dict[int, int] = {}
        for key, value in h.items():
            if key.startswith("a") and key[1:].isdigit():
                shown, at = value.split(":")
                answers[int(key[1:])] = (int(shown), int(at))
            elif key.startswith("v") and key[1:].isdigit():
                shown_at[int(key[1:])] = int(value)
        return cls(
            code=h["id"],
            round_code=h["r"],
            user_key=h["u"],
            question_ids=list(map(int, h["q"].split(","))),
            orders=[tuple(map(int, part)) for part in h["o"].split("|")],
            started_ms=int(h["s"]),
            deadline_ms=int(h["d"]),
            stage=Stage(h["st"]),
            next_index=int(h["n"]),
            answers=answers,
            prediction=int(h["pr"]) if "pr" in h else None,
            finished_ms=int(h["f"]) if "f" in h else None,
            auto=h.get("auto") == "1",
            shown=shown_at,
            closes_ms=int(h["cl"]) if "cl" in h else None,
        )


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


class SessionStore:
    """The operations the bot performs on live state; all key names come from Keys."""

    def __init__(self, redis: Redis, prefix: str) -> None:
        self.redis = redis
        self.keys = Keys(prefix)
        self._answer = redis.register_script(_ANSWER)
        self._predict = redis.register_script(_PREDICT)
        # Every question shown reports here: batched like the taps (see storage/batch.py).
        self._shown = BatchedScript(redis, redis.register_script(_SHOWN))
        self._finish = redis.register_script(_FINISH)
        self._start = redis.register_script(_START)
        self._admit = redis.register_script(_ADMIT)
        # Every answer tap runs this one: under load, many at once share a pipeline.
        self._admit_and_answer = BatchedScript(redis, redis.register_script(_ADMIT_AND_ANSWER))
        self._pace = redis.register_script(_PACE)
        self._claim_step = redis.register_script(_CLAIM_STEP)

    async def admit(self, admission: Admission) -> bool:
        """Decide an update's admission (once), in one round trip; True when it is let in."""
        if admission.verdict is None:
            reply = await self._admit(
                keys=[self.keys.updates(admission.user_key), self.keys.rate(admission.user_key)],
                args=_admission_args(admission),
            )
            _decide(admission, reply)
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
        return _tapped(reply)

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
            args=[code, index, shown, now_ms, *_admission_args(admission), participant_id],
        )
        if reply[0] in (Verdict.REPEATED, Verdict.FLOODED):
            _decide(admission, reply)
            return AnswerOutcome.TURNED_AWAY, None
        admission.verdict = Verdict.ADMITTED
        return _tapped(reply)

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


def _admission_args(admission: Admission) -> list[int | str]:
    return [
        admission.update_id,
        int(UPDATE_TTL.total_seconds()),
        admission.flood_window,
        admission.flood_limit,
        UPDATES_KEPT,
    ]


def _decide(admission: Admission, reply: list[Any]) -> None:
    admission.verdict = Verdict(reply[0])
    admission.count = int(reply[1]) if len(reply) > 1 else 0


def _tapped(reply: list[Any]) -> tuple[AnswerOutcome, LiveAttempt | None]:
    outcome = AnswerOutcome(reply[0])
    if len(reply) < 2:
        return outcome, None
    flat = reply[1]
    return outcome, LiveAttempt.from_fields(dict(zip(flat[::2], flat[1::2], strict=True)))
