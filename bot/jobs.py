"""The contest's calendar and its jobs: what runs when, and what each job does.

What runs when is a pure function of the contest file (`plan`); what a job does, and what it
announces, is in handlers (`handlers.rounds`, `handlers.announce`), the same functions /admin
and the command line use. Every job is idempotent, so running it twice, or after a restart,
changes nothing; `ContestJobs.reconcile` catches up on whatever was missed. When they run, and
in which process, is bot.scheduler.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from handlers import announce, retention
from handlers.contest import ContestConfig
from handlers.context import Services
from handlers.rounds import close_round, open_round
from storage.models import Round
from storage.repos.rounds import CLOSED, OPEN, SCHEDULED

# The calendar's jobs log as the scheduler running them always has.
log = logging.getLogger("bot.scheduler")

JobKind = Literal["open", "remind", "close", "purge"]
# A round "ends on 30/3" at 23:59:59 local time; it is closed one second later.
CLOSE_DELAY = timedelta(seconds=1)
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
