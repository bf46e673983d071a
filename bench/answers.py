"""The answer path: N participants tapping answers through the whole Telegram path at once.

Set-up (not measured): N people registered in SQLite, each sends /thi through the channel.
Then, measured:
- burst: every participant taps their ten answers as fast as the bot answers (N at once);
  the answers per second the process reaches, and its CPU time.
- submit: every participant types the prediction, which submits the attempt (SQL write,
  rank so far) — measured apart because it is not an answer tap.
- paced: on each following day each participant takes another attempt, tapping at an offered
  rate (by default 2,000 taps a second over the N participants, then 500); latency per update
  at that load.
  In the burst every participant waits only for the bot, so an update's latency there is
  mostly its queue behind the N - 1 others (Little's law: N / throughput), not its service.

Everything goes through aiogram's Dispatcher.feed_update on a Bot whose session answers
without the network (the tests' tests/telegram/recording.py, keeping no calls), the real
Redis at REDIS_URL under a prefix of this run alone (removed afterwards), and a SQLite file in
a temporary folder.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from aiogram.types import Update

from bench.measure import latency_ms, peak_rss_mb, timed
from bench.profiling import Profiler
from bench.setup import (
    IN_ROUND,
    REDIS_URL,
    ShiftedClock,
    bench_settings,
    full_name,
    like_a_bot_process,
    phone,
    unit,
)
from bench.setup import redis_prefix as bench_prefix
from bot.app import App, open_app
from bot.channels.telegram.channel import TelegramChannel
from handlers.rounds import reconcile
from storage.repos import ParticipantDetails
from tests.telegram.recording import RecordingSession, recording_bot

FIRST_USER_ID = 500_000_000


class Failures(logging.Handler):
    """Counts the updates the bot logged as failed (it answers those with an apology)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@dataclass
class Phase:
    """One measured phase: updates handled, wall and CPU seconds, each update's latency."""

    updates: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)

    def figures(self, unit_name: str) -> dict[str, Any]:
        """The phase's figures for the report."""
        return {
            unit_name: self.updates,
            "wall_s": round(self.wall, 3),
            "cpu_s": round(self.cpu, 3),
            "per_s": round(self.updates / self.wall, 1) if self.wall else None,
            "per_cpu_s": round(self.updates / self.cpu, 1) if self.cpu else None,
            **latency_ms(self.latencies),
        }


class Driver:
    """Feeds updates for many Telegram users to one channel and times each."""

    def __init__(self, channel: TelegramChannel, session: RecordingSession) -> None:
        self.channel = channel
        self.session = session
        self.bot = channel.bot
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)

    def _user(self, uid: int) -> dict[str, Any]:
        return {"id": uid, "is_bot": False, "first_name": "An"}

    async def feed(self, raw: dict[str, Any], phase: Phase | None = None) -> None:
        """Parse an update as the webhook does and hand it to the dispatcher; time it all."""
        started = time.perf_counter()
        update = Update.model_validate(raw, context={"bot": self.bot})
        await self.channel.dispatcher.feed_update(self.bot, update)
        if phase is not None:
            phase.latencies.append(time.perf_counter() - started)
            phase.updates += 1

    async def send(self, uid: int, text: str, phase: Phase | None = None) -> None:
        """The user types a message."""
        message = {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": {"id": uid, "type": "private"},
            "from": self._user(uid),
            "text": text,
        }
        await self.feed({"update_id": next(self._update_ids), "message": message}, phase)

    async def tap(self, uid: int, rng: random.Random, phase: Phase | None = None) -> bool:
        """The user taps one of the buttons of the latest question at random (False: none)."""
        keyboard = self.session.keyboards.get(uid)
        if keyboard is None:
            return False
        query = {
            "id": f"cb{uid}-{next(self._update_ids)}",
            "from": self._user(uid),
            "chat_instance": "ci",
            "message": {
                "message_id": keyboard.message_id,
                "date": int(time.time()),
                "chat": {"id": uid, "type": "private"},
                "text": "…",
            },
            "data": rng.choice(keyboard.data),
        }
        await self.feed({"update_id": next(self._update_ids), "callback_query": query}, phase)
        return True


async def _all(
    uids: list[int], concurrency: int, work: Callable[[int], Awaitable[None]], phase: Phase
) -> None:
    """Run `work` for every user at once (at most `concurrency` running), timing the phase."""
    gate = asyncio.Semaphore(concurrency)

    async def one(uid: int) -> None:
        async with gate:
            await work(uid)

    with timed() as span:
        await asyncio.gather(*(one(uid) for uid in uids))
    phase.wall, phase.cpu = span.wall, span.cpu


async def _register(app: App, uids: list[int], rng: random.Random) -> None:
    svc = app.svc
    localities = svc.contest.localities
    for i, uid in enumerate(uids):
        await svc.participants.register(
            ParticipantDetails(
                full_name=full_name(rng),
                phone=phone(i),
                birth_year=rng.randrange(1960, 2006),
                locality=rng.choice(localities),
                unit=unit(rng),
            ),
            channel="telegram",
            channel_user_id=str(uid),
            display_name="An",
            source="bench",
            now=svc.clock.now(),
            # Agreed to the contest's consent text, as registering in the chat records it.
            consent_version=svc.contest.consent.version,
        )


async def _paced(
    driver: Driver, uids: list[int], n_questions: int, rate: float, rng: random.Random
) -> Phase:
    """Every participant answers, all together tapping `rate` times a second (open loop)."""
    paced = Phase()
    gap = len(uids) / rate  # each participant taps once every `gap` seconds

    async def paced_taps(uid: int) -> None:
        start = time.perf_counter() + rng.uniform(0, gap)
        for k in range(n_questions):
            delay = start + k * gap - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            if not await driver.tap(uid, rng, paced):
                return

    await _all(uids, len(uids), paced_taps, paced)
    return paced


async def _attempt_bytes(app: App, uids_to_pids: list[int]) -> dict[str, float]:
    """Redis bytes of the live attempt hashes (MEMORY USAGE), and of all keys, per attempt."""
    redis = app.store.redis
    keys = app.store.keys
    async with redis.pipeline(transaction=False) as pipe:
        for pid in uids_to_pids:
            pipe.memory_usage(keys.attempt(pid), samples=0)
        sizes = [s for s in await pipe.execute() if s is not None]
    every = [k async for k in redis.scan_iter(match=keys.pattern(), count=5000)]
    total = 0
    for start in range(0, len(every), 2000):
        async with redis.pipeline(transaction=False) as pipe:
            for k in every[start : start + 2000]:
                pipe.memory_usage(k, samples=0)
            total += sum(s or 0 for s in await pipe.execute())
    n = max(len(uids_to_pids), 1)
    return {
        "attempt_hashes": len(sizes),
        "bytes_per_attempt_hash": round(sum(sizes) / max(len(sizes), 1), 1),
        "keys_per_participant": round(len(every) / n, 1),
        "bytes_per_participant_all_keys": round(total / n, 1),
    }


async def run(
    participants: int = 1000,
    *,
    concurrency: int | None = None,
    rates: tuple[float, ...] = (2000.0, 500.0),
    seed: int = 1,
    redis_url: str = REDIS_URL,
    profiler: Profiler | None = None,
) -> dict[str, Any]:
    """Run the answer-path scenario and return its figures."""
    profiler = profiler or Profiler(None)
    rng = random.Random(seed)
    concurrency = concurrency or participants
    uids = [FIRST_USER_ID + i for i in range(participants)]
    clock = ShiftedClock(IN_ROUND)
    async with bench_prefix(redis_url) as (_, prefix):
        with tempfile.TemporaryDirectory(prefix="quizbot-bench-") as tmp:
            settings = bench_settings(
                f"sqlite+aiosqlite:///{Path(tmp) / 'quizbot.db'}", (redis_url, prefix)
            )
            async with open_app(settings, clock=clock, rng=random.Random(seed)) as app:
                await reconcile(app.svc)
                bot, session = recording_bot(keep_calls=False)
                channel = TelegramChannel(
                    bot,
                    app.engine,
                    app.store,
                    app.svc.texts,
                    flood_limit=settings.flood_limit,
                    flood_window=settings.flood_window,
                )
                driver = Driver(channel, session)
                failures = Failures()
                logging.getLogger("bot").addHandler(failures)
                try:
                    with like_a_bot_process():
                        figures = await _measured(
                            app, clock, driver, uids, concurrency, rates, rng, profiler
                        )
                finally:
                    logging.getLogger("bot").removeHandler(failures)
                return {**figures, "failed_updates": failures.count}


async def _measured(
    app: App,
    clock: ShiftedClock,
    driver: Driver,
    uids: list[int],
    concurrency: int,
    rates: tuple[float, ...],
    rng: random.Random,
    profiler: Profiler,
) -> dict[str, Any]:
    n_questions = app.contest.rules.questions_per_attempt
    await _register(app, uids, rng)
    setup = Phase()
    await _all(uids, concurrency, lambda uid: driver.send(uid, "/thi"), setup)
    pids = [await app.svc.store.cached_participant(f"telegram:{uid}") for uid in uids]
    live = [p for p in pids if p is not None]

    burst = Phase()

    async def taps(uid: int) -> None:
        for _ in range(n_questions):
            if not await driver.tap(uid, rng, burst):
                return  # the bot showed this participant no question (see failed_updates)

    with profiler.profile("answers-burst"):
        await _all(uids, concurrency, taps, burst)
    memory = await _attempt_bytes(app, live)

    submit = Phase()
    with profiler.profile("answers-submit"):
        await _all(uids, concurrency, lambda uid: driver.send(uid, "1234", submit), submit)

    paced: dict[str, dict[str, Any]] = {}
    for rate in rates:
        # The next day: another attempt each, answered at the offered rate.
        clock.shift(timedelta(days=1))
        await _all(uids, concurrency, lambda uid: driver.send(uid, "/thi"), Phase())
        with profiler.profile(f"answers-paced-{rate:g}"):
            phase = await _paced(driver, uids, n_questions, rate, rng)
        paced[f"{rate:g}"] = {"offered_per_s": rate, **phase.figures("answers")}

    sent = dict(driver.session.counts)
    return {
        "participants": len(uids),
        "concurrency": concurrency,
        "burst": burst.figures("answers"),
        "submit": submit.figures("submissions"),
        "paced": paced,
        "redis": memory,
        "bot_api_calls": sent,
        "peak_rss_mb": peak_rss_mb(),
    }
