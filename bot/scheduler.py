"""The scheduler: opens and closes rounds on time and reminds; only timing and leadership.

What runs when is a pure function of the contest file (`plan`); what a job does, and what it
announces, is in handlers (`handlers.rounds`, `handlers.announce`), the same functions /admin
and the command line use. Every step is idempotent and announcements are stored deliveries
sent by the broadcaster, so running a job twice, or after a restart, changes nothing and sends
nothing twice, and a chat that refuses the bot holds nothing up. With several bot processes,
only the holder of a Redis lock runs the jobs (`LeaderLock`); when the holder dies its lock
expires and another process takes over, first catching up on whatever was missed
(`ContestJobs.reconcile`), round by round, and again every minute until it succeeds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from redis.asyncio import Redis

from bot.metrics import SCHEDULER_JOBS
from handlers import announce, retention
from handlers.contest import ContestConfig
from handlers.context import Services
from handlers.rounds import close_round, open_round
from storage.models import Round
from storage.repos.rounds import CLOSED, OPEN, SCHEDULED

log = logging.getLogger(__name__)

JobKind = Literal["open", "remind", "close", "purge"]
# A round "ends on 30/3" at 23:59:59 local time; it is closed one second later.
CLOSE_DELAY = timedelta(seconds=1)
# How often the leader checks that nothing was missed (and retries a catch-up that failed).
CATCH_UP_SECONDS = 60.0
# A close or an approval cut short is finished by a catch-up within this time after
# it; a round closed longer ago without announcements (closed by hand before closing by hand
# announced) is left as it is rather than announced weeks late.
FINISH_CLOSE_WITHIN = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class PlannedJob:
    """One job of the contest's calendar."""

    id: str
    kind: JobKind
    round_code: str
    at: datetime
    days_left: int = 0


def plan(contest: ContestConfig, *, reminders: Sequence[int]) -> list[PlannedJob]:
    """Every job the contest file implies: open, remind (days before closing), close; and,
    when the retention time after the last round runs out, the purge of personal data."""
    purge = PlannedJob(f"purge:{contest.contest.code}", "purge", "", retention.due(contest))
    jobs: list[PlannedJob] = [purge]
    for r in contest.rounds:
        opens, closes = contest.window(r.code)
        jobs.append(PlannedJob(f"open:{r.code}", "open", r.code, opens))
        for days in sorted(set(reminders), reverse=True):
            at = closes - timedelta(days=days)
            if at > opens:
                jobs.append(PlannedJob(f"remind:{r.code}:{days}", "remind", r.code, at, days))
        jobs.append(PlannedJob(f"close:{r.code}", "close", r.code, closes + CLOSE_DELAY))
    return sorted(jobs, key=lambda j: (j.at, j.id))


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


@dataclass(slots=True)
class CatchUp:
    """What a catch-up did ("close:2023-Q1", "remind:2023-Q2:3") and the rounds it failed on."""

    done: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


class ContestJobs:
    """The calendar's work, each job idempotent; one at a time in this process."""

    def __init__(self, svc: Services, *, reminders: Sequence[int] = (3, 1)) -> None:
        self.svc = svc
        self.reminders = reminders
        # A job and a catch-up touching the same round must not interleave (two closes would
        # submit the same attempts and store the same winners at once).
        self._one_at_a_time = asyncio.Lock()

    def planned(self) -> list[PlannedJob]:
        """The calendar from the contest file."""
        return plan(self.svc.contest, reminders=self.reminders)

    async def open(self, code: str) -> None:
        """Open the round; it announces itself to everyone registered and the chat (and, on
        the sample bank, warns the organisers: the calendar opens it all the same)."""
        async with self._one_at_a_time:
            await open_round(self.svc, code, actor="scheduler")

    async def remind(self, code: str, days_left: int) -> None:
        """Remind those registered who have not taken part in the round yet."""
        async with self._one_at_a_time:
            await announce.remind(self.svc, code, days_left)

    async def close(self, code: str) -> None:
        """Close the round, award the prizes, announce them."""
        async with self._one_at_a_time:
            await close_round(self.svc, code, actor="scheduler")

    async def purge(self) -> bool:
        """Anonymise every entry once the retention time has run out (once: a purge done is
        in the audit log); whether it ran now."""
        async with self._one_at_a_time:
            return await retention.when_due(self.svc) is not None

    async def reconcile(self) -> CatchUp:
        """Do what should have been done by now, round by round: open a round whose opening
        passed, close one whose closing passed, finish announcements a crash cut short, and
        send the latest reminder that fell due while no process was leading, and purge the
        personal data when its time has come. A round that fails is logged and left for the
        next catch-up; the others go on."""
        out = CatchUp()
        async with self._one_at_a_time:
            for r in await self.svc.rounds.all():
                try:
                    out.done += await self._reconcile_round(r)
                except Exception:
                    log.exception("catching up on round %s failed; the other rounds go on", r.code)
                    out.failed.append(r.code)
            try:
                if await retention.when_due(self.svc) is not None:
                    out.done.append("purge")
            except Exception:
                log.exception("purging personal data failed; trying again at the next catch-up")
                out.failed.append("purge")
        return out

    async def _finish_close(self, r: Round, now: datetime) -> list[str]:
        """A closed round: finish a close cut short (its provisional results stored and the
        organisers asked to review them), or the announcements of an approval cut short. A
        round waiting for the jury is left waiting: nothing is announced before approval."""
        svc = self.svc
        if r.approved_at is not None:
            if now - r.approved_at <= FINISH_CLOSE_WITHIN and not await announce.results_announced(
                svc, r.code
            ):
                await announce.publish_results(svc, r.code, actor="scheduler")
                return [f"announce:{r.code}"]
            return []
        if (
            r.closed_at is not None
            and now - r.closed_at <= FINISH_CLOSE_WITHIN
            and not await announce.review_asked(svc, r.code)
        ):
            await close_round(svc, r.code, actor="scheduler")  # a close cut short
            return [f"close:{r.code}"]
        return []

    async def _reconcile_round(self, r: Round) -> list[str]:
        svc, now = self.svc, self.svc.clock.now()
        if r.status == SCHEDULED and r.opens_at <= now <= r.closes_at:
            await open_round(svc, r.code, actor="scheduler")
            return [f"open:{r.code}"]
        if now > r.closes_at and r.status != CLOSED:
            await close_round(svc, r.code, actor="scheduler")
            return [f"close:{r.code}"]
        if r.status == CLOSED:
            return await self._finish_close(r, now)
        if r.status == OPEN and now <= r.closes_at:
            done = []
            if await svc.broadcasts.by_key(announce.opening_key(r.code)) is None:
                await announce.announce_opening(svc, r.code)
                done.append(f"announce:{r.code}")
            due = [j for j in self.planned() if j.kind == "remind" and j.round_code == r.code]
            latest = max((j for j in due if j.at <= now), key=lambda j: j.at, default=None)
            key = announce.reminder_key(r.code, latest.days_left) if latest else ""
            if latest is not None and await svc.broadcasts.by_key(key) is None:
                await announce.remind(svc, r.code, latest.days_left)
                done.append(latest.id)
            return done
        return []


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
