"""The scheduler: opens and closes rounds on time and reminds; only timing and leadership.

What runs when is a pure function of the contest file (`plan`); what a job does, and what it
announces, is in handlers (`handlers.rounds`, `handlers.announce`), the same functions /admin
and the command line use; the calendar and its jobs are bot.jobs. Every step is idempotent
and announcements are stored deliveries sent by the broadcaster, so running a job twice, or
after a restart, changes nothing and sends nothing twice, and a chat that refuses the bot holds
nothing up. With several bot processes, only the holder of a Redis lock runs the jobs
(`LeaderLock`); when the holder dies its lock expires and another process takes over, first
catching up on whatever was missed (`ContestJobs.reconcile`), round by round, and again every
minute until it succeeds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from redis.asyncio import Redis

from bot.jobs import CLOSE_DELAY, ContestJobs, PlannedJob, plan
from bot.metrics import SCHEDULER_JOBS

log = logging.getLogger(__name__)

# What the calendar is and does (bot.jobs), imported from here by the callers of both.
__all__ = [
    "CATCH_UP_SECONDS",
    "CLOSE_DELAY",
    "ContestJobs",
    "LeaderLock",
    "PlannedJob",
    "Scheduler",
    "plan",
]

# How often the leader checks that nothing was missed (and retries a catch-up that failed).
CATCH_UP_SECONDS = 60.0


class LeaderLock:
    """A Redis lock with expiry: one holder at a time, taken over when the holder stops renewing.

    `ttl_ms` is the promise (LEADER_TTL_SECONDS): when the holder dies, another process holds
    the lock within it. So the lock itself expires after 8/10 of it, and every process claims
    (the holder renews) every 1/10: the expiry plus one claim interval leave a tenth to spare.
    """

    _CLAIM = """
local holder = redis.call('GET', KEYS[1])
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
if not holder then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
"""
    _RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""

    def __init__(self, redis: Redis, key: str, *, ttl_ms: int = 15_000, owner: str = "") -> None:
        self.key = key
        self.ttl_ms = ttl_ms
        self.expiry_ms = ttl_ms * 8 // 10
        self.claim_every = ttl_ms / 10 / 1000
        self.owner = owner or secrets.token_hex(8)
        self._claim = redis.register_script(self._CLAIM)
        self._release = redis.register_script(self._RELEASE)

    async def claim(self) -> bool:
        """Take the lock or renew it; False while another process holds it."""
        return bool(await self._claim(keys=[self.key], args=[self.owner, self.expiry_ms]))

    async def release(self) -> None:
        """Give the lock up (only if this process holds it)."""
        await self._release(keys=[self.key], args=[self.owner])


class Scheduler:
    """APScheduler running the contest's jobs in the process that holds the leader lock."""

    def __init__(
        self,
        jobs: ContestJobs,
        lock: LeaderLock,
        *,
        sweep: Callable[[], Awaitable[None]] | None = None,
        sweep_seconds: float = 30.0,
        catch_up_seconds: float = CATCH_UP_SECONDS,
    ) -> None:
        self.jobs = jobs
        self.lock = lock
        self.sweep = sweep
        self.sweep_seconds = sweep_seconds
        self.catch_up_seconds = catch_up_seconds
        self.leader = False
        # Set while this process leads (tests and the hand-over measurement wait on it).
        self.leading = asyncio.Event()
        self.caught_up = False
        self.aps = AsyncIOScheduler(timezone=UTC)
        self._catching_up: asyncio.Task[None] | None = None
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    @contextlib.asynccontextmanager
    async def _busy(self) -> AsyncIterator[None]:
        """Counts a job while it runs, so stopping can wait for it instead of cutting it off."""
        self._running += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._running -= 1
            if self._running == 0:
                self._idle.set()

    def planned(self) -> list[PlannedJob]:
        """The calendar from the contest file."""
        return self.jobs.planned()

    def start(self, *, paused: bool = False) -> None:
        """Schedule every future job, the leadership claim and the periodic catch-up; jobs
        whose time passed are handled by `reconcile` when leadership is taken."""
        now = self.jobs.svc.clock.now()
        for job in self.planned():
            if job.at > now:
                self.aps.add_job(
                    self.run,
                    DateTrigger(run_date=job.at),
                    args=[job],
                    id=job.id,
                    misfire_grace_time=None,
                    coalesce=True,
                    replace_existing=True,
                )
        self.aps.add_job(
            self.keep_leadership,
            IntervalTrigger(seconds=self.lock.claim_every),
            id="leader",
            next_run_time=datetime.now(UTC),
            coalesce=True,
            max_instances=1,
        )
        self.aps.add_job(
            self.catch_up,
            IntervalTrigger(seconds=self.catch_up_seconds),
            id="catch-up",
            coalesce=True,
            max_instances=1,
        )
        if self.sweep is not None:
            self.aps.add_job(
                self._sweep,
                IntervalTrigger(seconds=self.sweep_seconds),
                id="sweep",
                coalesce=True,
                max_instances=1,
            )
        self.aps.start(paused=paused)

    async def shutdown(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - one deadline
        """Stop scheduling, let a job that is running finish (closing a round must not stop
        half-way), then hand the lock over at once."""
        running = self.aps.running
        if running:
            self.aps.pause()
        catching_up = [t for t in (self._catching_up,) if t is not None and not t.done()]
        try:
            async with asyncio.timeout(timeout):
                await asyncio.gather(self._idle.wait(), *catching_up, return_exceptions=True)
        except TimeoutError:
            log.error("a scheduled job still runs after %s s; stopping anyway", timeout)
        if running:
            self.aps.shutdown(wait=False)
        if self.leader:
            await self.lock.release()
            self._lost()

    async def keep_leadership(self) -> None:
        """Claim or renew the lock; on becoming leader, start catching up on anything missed.

        The catch-up runs beside, not in, the claim: a long one (closing a large round) must
        not keep the lock from being renewed.
        """
        held = await self.lock.claim()
        if held and not self.leader:
            log.info("this process now runs the contest's scheduled jobs")
            self.leader = True
            self.caught_up = False
            self.leading.set()
            self._catching_up = asyncio.create_task(self.catch_up())
        elif not held and self.leader:
            log.warning("scheduler leadership lost to another process")
            self._lost()

    def _lost(self) -> None:
        self.leader = False
        self.leading.clear()

    async def settled(self) -> None:
        """Wait for the catch-up started on taking leadership (tests use it)."""
        if self._catching_up is not None:
            await self._catching_up

    async def catch_up(self) -> None:
        """As leader, do what was missed; `caught_up` only once every round is done."""
        async with self._busy():
            if not self.leader:
                return
            try:
                result = await self.jobs.reconcile()
            except Exception:  # the database is away, say: the next catch-up tries again
                log.exception("catch-up failed; trying again in %s s", self.catch_up_seconds)
                self.caught_up = False
                return
            if result.done:
                log.info("caught up on %s", ", ".join(result.done))
            if result.failed:
                log.warning(
                    "catch-up failed for %s; trying again in %s s",
                    ", ".join(result.failed),
                    self.catch_up_seconds,
                )
            self.caught_up = not result.failed

    async def run(self, job: PlannedJob) -> None:
        """Run one planned job if this process leads (if none does at that moment, the next
        leader's catch-up runs it)."""
        async with self._busy():
            await self._run(job)

    async def _run(self, job: PlannedJob) -> None:
        if not await self.lock.claim():
            log.info("%s left to the leading process", job.id)
            if self.leader:
                self._lost()
            return
        log.info("running %s", job.id)
        async with _counted(job.kind):
            if job.kind == "open":
                await self.jobs.open(job.round_code)
            elif job.kind == "remind":
                await self.jobs.remind(job.round_code, job.days_left)
            elif job.kind == "purge":
                await self.jobs.purge()
            else:
                await self.jobs.close(job.round_code)

    async def _sweep(self) -> None:
        async with self._busy():
            if self.sweep is not None and await self.lock.claim():
                async with _counted("sweep"):
                    await self.sweep()


@contextlib.asynccontextmanager
async def _counted(job: str) -> AsyncIterator[None]:
    """Counts a job run for /metrics, with whether it failed."""
    try:
        yield
    except Exception:
        SCHEDULER_JOBS.labels(job, "failed").inc()
        raise
    SCHEDULER_JOBS.labels(job, "done").inc()
