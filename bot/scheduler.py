"""The scheduler: opens and closes rounds on time, reminds, and announces the winners.

What runs when is a pure function of the contest file (`plan`); the jobs themselves are
idempotent (`ContestJobs`), so running one twice, or after a restart, changes nothing and
sends nothing twice. With several bot processes, only the holder of a Redis lock runs them
(`LeaderLock`); when the holder dies its lock expires and another process takes over, first
catching up on whatever was missed (`ContestJobs.reconcile`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from redis.asyncio import Redis

from handlers import sample_bank
from handlers.contest import ContestConfig
from handlers.context import Services
from handlers.events import Document, Message, Reply
from handlers.formatting import date_vn, datetime_vn, mask_name, number_vn
from handlers.reports import results_workbook
from handlers.rounds import RoundResults, close_round, open_round
from handlers.texts import Raw
from storage.repos.broadcasts import absent, in_round
from storage.repos.rounds import CLOSED, OPEN, SCHEDULED

log = logging.getLogger(__name__)

JobKind = Literal["open", "remind", "close"]
# A round "ends on 30/3" at 23:59:59 local time; it is closed one second later.
CLOSE_DELAY = timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class PlannedJob:
    """One job of the contest's calendar."""

    id: str
    kind: JobKind
    round_code: str
    at: datetime
    days_left: int = 0


def plan(contest: ContestConfig, *, reminders: Sequence[int]) -> list[PlannedJob]:
    """Every job the contest file implies: open, remind (days before closing), close."""
    jobs: list[PlannedJob] = []
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
    """A Redis lock with expiry: one holder at a time, taken over when the holder stops renewing."""

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
        self.owner = owner or secrets.token_hex(8)
        self._claim = redis.register_script(self._CLAIM)
        self._release = redis.register_script(self._RELEASE)

    async def claim(self) -> bool:
        """Take the lock or renew it; False while another process holds it."""
        return bool(await self._claim(keys=[self.key], args=[self.owner, self.ttl_ms]))

    async def release(self) -> None:
        """Give the lock up (only if this process holds it)."""
        await self._release(keys=[self.key], args=[self.owner])


SendToOrganisers = Callable[[list[Reply]], Awaitable[None]]


class ContestJobs:
    """The scheduled work, each job idempotent; announcements go through keyed broadcasts."""

    def __init__(
        self,
        svc: Services,
        *,
        organisers: SendToOrganisers | None = None,
        announcements: SendToOrganisers | None = None,
    ) -> None:
        self.svc = svc
        self.organisers = organisers
        self.announcements = announcements

    async def open(self, code: str) -> None:
        """Open the round and announce it to everyone registered."""
        svc = self.svc
        await open_round(svc, code, actor="scheduler")
        rnd = await svc.rounds.get(code)
        if rnd is None or rnd.status != OPEN:
            return
        tz = svc.contest.tz
        text = svc.texts(
            "scheduler.opened",
            name=rnd.name,
            title=svc.contest.contest.title,
            closes=datetime_vn(rnd.closes_at, tz),
            questions=svc.contest.rules.questions_per_attempt,
            minutes=svc.contest.rules.time_limit_minutes,
        )
        await svc.broadcasts.create(
            text, actor="scheduler", now=svc.clock.now(), key=f"open:{code}"
        )
        await self._announce(f"open:{code}", text)
        # Opened all the same (the calendar never stops), but the organisers are told.
        if self.organisers and (warning := await sample_bank.calendar_warning(svc, code, rnd.name)):
            log.warning("round %s opened on the sample bank, whose answers are public", code)
            try:
                await self.organisers(warning)
            except Exception as exc:  # an organiser who never wrote to the bot stops nothing
                log.warning("could not tell the organisers: %s", exc)
            else:
                await sample_bank.warned(svc, code)

    async def remind(self, code: str, days_left: int) -> None:
        """Remind those registered who have not taken part in the round yet."""
        svc = self.svc
        rnd = await svc.rounds.get(code)
        if rnd is None or rnd.status != OPEN or svc.clock.now() > rnd.closes_at:
            return
        text = svc.texts(
            "scheduler.reminder",
            name=rnd.name,
            days=days_left,
            closes=datetime_vn(rnd.closes_at, svc.contest.tz),
        )
        await svc.broadcasts.create(
            text,
            actor="scheduler",
            now=svc.clock.now(),
            key=f"remind:{code}:{days_left}",
            audience=absent(code),
        )

    async def close(self, code: str) -> None:
        """Close the round, award the prizes, tell the winners and everyone who took part."""
        svc = self.svc
        t = svc.texts
        now = svc.clock.now()
        results = await close_round(svc, code, actor="scheduler")
        rnd = results.round
        personal: dict[int, str] = {}
        lines = []
        for award in results.awards:
            person = results.people[award.participant_id]
            prize = svc.contest.prize_name(award.tier)
            personal[award.participant_id] = str(
                t(
                    "scheduler.winner",
                    name=person.full_name,
                    prize=prize,
                    round=rnd.name,
                    title=svc.contest.contest.title,
                    organiser=svc.contest.contest.organiser,
                )
            )
            lines.append(
                str(
                    t(
                        "scheduler.winner_line",
                        prize=prize,
                        name=mask_name(person.full_name),
                        locality=person.locality,
                    )
                )
            )
        if personal:
            await svc.broadcasts.create(
                "", actor="scheduler", now=now, key=f"winners-personal:{code}", personal=personal
            )
        summary = t(
            "scheduler.winners",
            name=rnd.name,
            participants=number_vn(results.actual),
            lines=Raw("\n".join(lines)) if lines else t("scheduler.no_winners"),
            date=date_vn(now, svc.contest.tz),
        )
        await svc.broadcasts.create(
            summary, actor="scheduler", now=now, key=f"winners:{code}", audience=in_round(code)
        )
        await self._announce(f"winners:{code}", summary)
        await self._results_to_organisers(code, results)

    async def _announce(self, key: str, text: str) -> None:
        """Post to the announcement chat, once per announcement."""
        done = f"announced:{key}"
        if self.announcements is None or await self.svc.audit.has(done):
            return
        await self.announcements([Message(text)])
        await self.svc.audit.record(actor="scheduler", action=done, at=self.svc.clock.now())

    async def _results_to_organisers(self, code: str, results: RoundResults) -> None:
        svc = self.svc
        done = f"results.sent:{code}"
        if self.organisers is None or await svc.audit.has(done):
            return
        data = await results_workbook(svc, results, full_phones=True)
        caption = str(svc.texts("admin.results_caption_full", name=results.round.name))
        await self.organisers([Document(f"ket-qua-{code}-noi-bo.xlsx", data, caption=caption)])
        await svc.audit.record(actor="scheduler", action=done, at=svc.clock.now(), round=code)

    async def reconcile(self) -> list[str]:
        """Run what should have run by now: open a round whose opening passed, close (and
        announce) one whose closing passed. Every step is idempotent, so this is safe at every
        start and at every change of leader."""
        now = self.svc.clock.now()
        done = []
        for r in await self.svc.rounds.all():
            if r.status == SCHEDULED and r.opens_at <= now <= r.closes_at:
                await self.open(r.code)
                done.append(f"open:{r.code}")
            elif now > r.closes_at and r.status != CLOSED:
                await self.close(r.code)
                done.append(f"close:{r.code}")
            elif now > r.closes_at:
                await self.close(r.code)  # finishes announcements a crash may have cut short
        return done


class Scheduler:
    """APScheduler running the contest's jobs in the process that holds the leader lock."""

    def __init__(
        self,
        jobs: ContestJobs,
        lock: LeaderLock,
        *,
        reminders: Sequence[int] = (3, 1),
        sweep: Callable[[], Awaitable[None]] | None = None,
        sweep_seconds: float = 30.0,
    ) -> None:
        self.jobs = jobs
        self.lock = lock
        self.reminders = reminders
        self.sweep = sweep
        self.sweep_seconds = sweep_seconds
        self.leader = False
        self.aps = AsyncIOScheduler(timezone=UTC)
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
        return plan(self.jobs.svc.contest, reminders=self.reminders)

    def start(self, *, paused: bool = False) -> None:
        """Schedule every future job and the leadership check; jobs whose time passed are
        handled by `reconcile` when leadership is taken."""
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
            IntervalTrigger(seconds=self.lock.ttl_ms / 3000),
            id="leader",
            next_run_time=datetime.now(UTC),
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
        if self.aps.running:
            self.aps.pause()
            try:
                await asyncio.wait_for(self._idle.wait(), timeout)
            except TimeoutError:
                log.error("a scheduled job still runs after %s s; stopping anyway", timeout)
            self.aps.shutdown(wait=False)
        if self.leader:
            await self.lock.release()
            self.leader = False

    async def keep_leadership(self) -> None:
        """Claim or renew the lock; on becoming leader, catch up on anything missed."""
        async with self._busy():
            await self._keep_leadership()

    async def _keep_leadership(self) -> None:
        held = await self.lock.claim()
        if held and not self.leader:
            log.info("this process now runs the contest's scheduled jobs")
            self.leader = True
            done = await self.jobs.reconcile()
            if done:
                log.info("caught up on %s", ", ".join(done))
        elif not held and self.leader:
            log.warning("scheduler leadership lost to another process")
            self.leader = False

    async def run(self, job: PlannedJob) -> None:
        """Run one planned job if this process leads."""
        async with self._busy():
            await self._run(job)

    async def _run(self, job: PlannedJob) -> None:
        if not await self.lock.claim():
            self.leader = False
            return
        log.info("running %s", job.id)
        if job.kind == "open":
            await self.jobs.open(job.round_code)
        elif job.kind == "remind":
            await self.jobs.remind(job.round_code, job.days_left)
        else:
            await self.jobs.close(job.round_code)

    async def _sweep(self) -> None:
        async with self._busy():
            if self.sweep is not None and await self.lock.claim():
                await self.sweep()
