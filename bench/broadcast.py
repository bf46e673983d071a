"""Broadcast pacing: one announcement to N recipients against a channel that enforces a limit.

The channel counts the messages of the last second (a sliding window) and answers 429
(RetryLaterError with the seconds until a slot frees) to any message past the limit, as
Telegram does. The broadcaster runs as in the bot: recipients from SQL (SQLite), the pace
from the real Redis (SessionStore.pace), each status written back.

Time is simulated so that 5,000 messages at 25 a second do not take 200 s: waiting (the
broadcaster's sleep) moves the clock forward at once, while the work itself (SQL, Redis,
the channel) takes its real time. So the achieved rate counts both the pacing and what
each message really costs.
"""

from __future__ import annotations

import asyncio
import math
import random
import tempfile
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench import generate
from bench.measure import peak_rss_mb, timed
from bench.profiling import Profiler
from bench.setup import IN_ROUND, REDIS_URL, ROUND, bench_settings, redis_prefix
from bot.app import open_app
from bot.broadcast import Broadcaster
from bot.channels.base import RetryLaterError
from handlers.events import Reply

STEADY_AFTER_S = 5.0  # 429s after this many seconds count as "in steady state"


class SimulatedClock:
    """Real time, except that sleeping skips ahead instead of waiting."""

    def __init__(self, start: datetime) -> None:
        self._start = start.astimezone(UTC)
        self._real = time.perf_counter()
        self._skipped = 0.0

    def seconds(self) -> float:
        """Seconds since the clock started: real time spent plus time slept."""
        return time.perf_counter() - self._real + self._skipped

    def now(self) -> datetime:
        """The simulated instant (UTC)."""
        return self._start + timedelta(seconds=self.seconds())

    async def sleep(self, seconds: float) -> None:
        """Skip `seconds` ahead; let other tasks run, as a real sleep would."""
        self._skipped += max(seconds, 0.0)
        await asyncio.sleep(0)


@dataclass
class LimitedChannel:
    """A channel that takes at most `limit` messages in any one second, else answers 429."""

    clock: SimulatedClock
    limit: int
    name: str = "telegram"
    window: deque[float] = field(default_factory=deque)
    sent: list[float] = field(default_factory=list)
    refused: list[float] = field(default_factory=list)

    async def send_to(self, user_id: str, replies: list[Reply]) -> None:
        now = self.clock.seconds()
        while self.window and self.window[0] <= now - 1.0:
            self.window.popleft()
        if len(self.window) >= self.limit:
            self.refused.append(now)
            # Telegram's retry_after is whole seconds.
            raise RetryLaterError(max(math.ceil(self.window[0] + 1.0 - now), 1))
        self.window.append(now)
        self.sent.append(now)


async def run(
    recipients: int = 5000,
    *,
    limit: int = 25,
    rate: float | None = None,
    seed: int = 1,
    redis_url: str = REDIS_URL,
    profiler: Profiler | None = None,
) -> dict[str, Any]:
    """Broadcast to `recipients` at the configured `rate` (default: the limit) and report."""
    profiler = profiler or Profiler(None)
    rate = rate or float(limit)
    clock = SimulatedClock(IN_ROUND)
    async with redis_prefix(redis_url) as (_, prefix):
        with tempfile.TemporaryDirectory(prefix="quizbot-bench-") as tmp:
            path = Path(tmp) / "quizbot.db"
            settings = bench_settings(f"sqlite+aiosqlite:///{path}", (redis_url, prefix))
            async with open_app(settings, clock=clock, rng=random.Random(seed)) as app:
                svc = app.svc
                opens, closes = svc.contest.window(ROUND)
                rnd = generate.Round(opens, closes, [], list(svc.contest.localities))
                generate.fill_sqlite(str(path), recipients, 0, rnd, seed)
                await svc.broadcasts.create(
                    "Thông báo của Ban Tổ chức", actor="bench", now=clock.now()
                )
                channel = LimitedChannel(clock, limit)
                broadcaster = Broadcaster(
                    svc, {"telegram": channel}, rates={"telegram": rate}, sleep=clock.sleep
                )
                with profiler.profile(f"broadcast-{limit}"), timed() as real:
                    started = clock.seconds()
                    sent = await broadcaster.run_once()
                    simulated = clock.seconds() - started
    return _figures(channel, sent, limit, rate, simulated, real.wall, real.cpu)


def _figures(
    channel: LimitedChannel,
    sent: int,
    limit: int,
    rate: float,
    simulated: float,
    real_wall: float,
    real_cpu: float,
) -> dict[str, Any]:
    times = channel.sent
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    achieved = (len(times) - 1) / span if span > 0 else math.nan
    first = times[0] if times else 0.0
    return {
        "recipients": sent,
        "limit_per_s": limit,
        "configured_per_s": rate,
        "achieved_per_s": round(achieved, 2),
        "share_of_limit": round(achieved / limit, 4),
        "http_429": len(channel.refused),
        "http_429_steady": sum(1 for t in channel.refused if t - first > STEADY_AFTER_S),
        "simulated_s": round(simulated, 1),
        "real_wall_s": round(real_wall, 2),
        "real_cpu_s": round(real_cpu, 2),
        "real_ms_per_message": round(real_wall / max(sent, 1) * 1000, 2),
        "time": "simulated: sleeps skip ahead, work takes its real time",
        "peak_rss_mb": peak_rss_mb(),
    }
