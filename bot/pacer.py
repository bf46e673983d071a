"""One outbound pace per platform, shared by every bot process through Redis.

A bot token may send about 30 messages a second overall and about one a second to one chat
(Telegram: short bursts tolerated, 20 a minute to a group); past that the platform answers
429 with `retry_after`. Every message call waits here for its turn first:

- a tap acknowledgement (answerCallbackQuery) is not a message and never waits;
- a reply to a participant's own action reserves the next free slot of its chat, then the
  next free slot of the whole bot: replies go out in the order they were made, per chat;
- a broadcast takes a slot of the whole bot only when no reply holds one, so it uses the
  capacity the replies leave and a live quiz never queues behind an announcement; and only
  while all messages together stay a tenth under the pace (`Pace.broadcast_headroom`): a
  pace kept full to the last slot meets the platform's limit whenever a process pauses and
  sends late slots together, and each 429 then holds the replies too;
- a paid broadcast (Telegram's allow_paid_broadcast) is not held to the bot's 30 a second:
  it has a pace of its own, up to the paid rate, so it neither waits for the replies nor takes
  their capacity; each chat's pace still holds for it;
- a 429 that still comes (another program on the same token, a platform stricter than
  configured) holds the pace the message went by (the whole bot's, or the paid one), and the
  chat's, for its `retry_after`.

Slots are kept as a "theoretical arrival time" per key (the generic cell rate algorithm):
one integer in Redis per key, reserved in one script call, so processes share the pace and
do not all retry together after a wait.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import IntEnum

from redis.asyncio import Redis

from bot import metrics

# KEYS[1] the key's theoretical arrival time (ms). ARGV: now (ms), interval (ms), burst,
# '1' to take a slot only if one is free now. Returns how long the caller waits for the slot
# it took (ms, >= 0), or, with nothing taken, minus how long until one is free.
# With KEYS[2] (the pace of all messages a free broadcast stays under) and ARGV[5] (its
# interval): a slot taken only if free now is also taken only if KEYS[2] is free now; any
# slot taken counts on KEYS[2] too, which runs at most a second ahead of now (so a long run
# of replies past that pace holds broadcasts back for a second after it, not for minutes).
_RESERVE = """
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tat = math.max(tonumber(redis.call('GET', KEYS[1]) or '0'), now)
local at = math.max(tat - (tonumber(ARGV[3]) - 1) * interval, now)
local all = KEYS[2] and math.max(tonumber(redis.call('GET', KEYS[2]) or '0'), now)
if ARGV[4] == '1' then
  local free = math.max(at, all or now)
  if free > now then return now - free end
end
if all then
  all = math.min(math.max(all, at) + tonumber(ARGV[5]), now + 1000)
  redis.call('SET', KEYS[2], all, 'PX', math.floor(all - now) + 60000)
end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.floor(tat + interval - now) + 60000)
return at - now
"""

# KEYS[1] as above. ARGV: the moment the key is free again (ms), now (ms). Never brings a
# later arrival time forward.
_HOLD = """
local free = tonumber(ARGV[1])
if free > tonumber(redis.call('GET', KEYS[1]) or '0') then
  redis.call('SET', KEYS[1], free, 'PX', math.floor(free - tonumber(ARGV[2])) + 60000)
end
return 0
"""


class SendKind(IntEnum):
    """What a message is, for the order in which the pace serves it."""

    REPLY = 1  # to a participant's or an organiser's own action, or owed to them
    BROADCAST = 2  # an announcement: only the capacity the replies leave
    PAID = 3  # an announcement sent paid: a pace of its own (Pace.paid_per_second)


_kind: ContextVar[SendKind] = ContextVar("quizbot_send_kind", default=SendKind.REPLY)


@contextmanager
def sending_as(kind: SendKind) -> Iterator[None]:
    """Messages sent inside the block are of this kind."""
    token = _kind.set(kind)
    try:
        yield
    finally:
        _kind.reset(token)


def broadcasting() -> AbstractContextManager[None]:
    """Messages sent inside the block are broadcasts: they yield to every reply."""
    return sending_as(SendKind.BROADCAST)


def paid_broadcasting() -> AbstractContextManager[None]:
    """Messages sent inside the block are paid broadcasts (allow_paid_broadcast on Telegram)."""
    return sending_as(SendKind.PAID)


def send_kind() -> SendKind:
    """The kind of the message being sent now."""
    return _kind.get()


@dataclass(frozen=True)
class Pace:
    """How fast one bot token sends. The defaults sit a little under Telegram's limits: a
    message reaches the platform a few milliseconds after its slot, not always equally late."""

    per_second: float = 28.0  # all chats together
    chat_interval_s: float = 1.05  # one private chat, on average...
    chat_burst: int = 3  # ... with this many at once
    group_interval_s: float = 3.1  # one group (20 a minute)
    paid_per_second: float = 250.0  # paid broadcasts, apart from the rest (at most 1000)
    broadcast_headroom: float = 0.1  # the share of per_second a free broadcast leaves unused


class Pacer:
    """The turn of every message a platform's bot sends (see the module's docstring)."""

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        platform: str,
        pace: Pace | None = None,
        *,
        now_ms: Callable[[], int] = lambda: int(time.time() * 1000),
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.redis = redis
        self.platform = platform
        self.pace = pace or Pace()
        self.now_ms = now_ms
        self.sleep = sleep
        self._key = f"{prefix}:pace:{platform}"
        self._paid_key = f"{self._key}:paid"
        self._all_key = f"{self._key}:all"
        # When this process's latest messages went out, oldest first (see _within_second).
        self._sent: deque[float] = deque(maxlen=max(int(self.pace.per_second), 1))
        self._reserve = redis.register_script(_RESERVE)
        self._hold = redis.register_script(_HOLD)

    async def turn(self, chat: str | int | None) -> float:
        """Wait for this message's turn in its chat and in the whole bot; the seconds waited."""
        waited = 0.0
        if chat is not None:
            interval, burst = self._chat_pace(chat)
            waited += await self._wait(await self._take(self._chat_key(chat), interval, burst))
        interval_ms = 1000.0 / self.pace.per_second
        if send_kind() is SendKind.PAID:
            # Not the bot's 30 a second, nor this process's window of it (_within_second).
            paid_ms = 1000.0 / self.pace.paid_per_second
            waited += await self._wait(await self._take(self._paid_key, paid_ms, 1))
            metrics.PACER_WAIT.labels(self.platform, "paid").observe(waited)
            return waited
        all_ms = 1000.0 / (self.pace.per_second * (1 - self.pace.broadcast_headroom))
        if send_kind() is SendKind.REPLY:
            waited += await self._wait(await self._take(self._key, interval_ms, 1, all_ms=all_ms))
        else:
            while (
                ms := await self._take(self._key, interval_ms, 1, idle_only=True, all_ms=all_ms)
            ) < 0:
                waited += await self._wait(max(-ms, interval_ms))
            waited += await self._wait(ms)
        waited += await self._within_second()
        metrics.PACER_WAIT.labels(self.platform, send_kind().name.lower()).observe(waited)
        return waited

    async def hold(self, seconds: float, chat: str | int | None) -> None:
        """The platform said 429: nothing goes out for `seconds`, to that chat or at all (a
        paid broadcast's 429 holds the paid pace: the replies' limit is another)."""
        now = self.now_ms()
        free = now + int(seconds * 1000)
        key = self._paid_key if send_kind() is SendKind.PAID else self._key
        await self._hold(keys=[key], args=[free, now])
        if chat is not None:
            interval, burst = self._chat_pace(chat)
            # The chat's burst is spent too: after the wait, one message per interval.
            await self._hold(
                keys=[self._chat_key(chat)], args=[free + int((burst - 1) * interval), now]
            )

    async def _within_second(self) -> float:
        """Wait until this process's latest `per_second` messages span a second or more.

        Slots are handed out ahead; a process whose loop stalls (a garbage collection, a
        burst of work) reaches several of them late and would send them together, more in
        one second than the platform takes. This local window keeps them apart again.
        """
        now = self.now_ms() / 1000
        waited = 0.0
        if len(self._sent) == self._sent.maxlen:
            waited = self._sent[0] + 1.0 - now
            if waited > 0:
                await self.sleep(waited)
                now += waited
        self._sent.append(now)
        return max(waited, 0.0)

    def _chat_pace(self, chat: str | int) -> tuple[float, int]:
        if str(chat).startswith(("-", "@")):  # groups, supergroups, channels
            return self.pace.group_interval_s * 1000, 1
        return self.pace.chat_interval_s * 1000, self.pace.chat_burst

    def _chat_key(self, chat: str | int) -> str:
        return f"{self._key}:chat:{chat}"

    async def _take(
        self,
        key: str,
        interval_ms: float,
        burst: int,
        *,
        idle_only: bool = False,
        all_ms: float | None = None,
    ) -> int:
        args = [self.now_ms(), math.ceil(interval_ms), burst, "1" if idle_only else "0"]
        if all_ms is None:
            return int(await self._reserve(keys=[key], args=args))
        return int(await self._reserve(keys=[key, self._all_key], args=[*args, math.ceil(all_ms)]))

    async def _wait(self, ms: float) -> float:
        if ms <= 0:
            return 0.0
        await self.sleep(ms / 1000)
        return ms / 1000
