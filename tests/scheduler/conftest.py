"""Fixtures for the calendar: registered participants, organisers, a recording channel, the
broadcaster on the test's clock, and the scheduler itself (leading on the in-process store)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.app import App
from bot.broadcast import MAX_TRIES, RETRY_FACTOR, RETRY_FIRST, Broadcaster
from bot.clock import ManualClock
from bot.scheduler import ContestJobs, LeaderLock, Scheduler
from tests.scheduler.recording import RecordingChannel
from tests.support.banks import use_own_bank
from tests.support.client import Person

ORGANISER = "9000"
CHAT = "@kenh-cuoc-thi"


@pytest.fixture
def channel() -> RecordingChannel:
    return RecordingChannel()


@pytest.fixture
async def jobs(app: App) -> ContestJobs:
    """The calendar's jobs, with one organiser (who gets the results workbook), on a bank of the
    organisers' own (the sample bank would add its warnings to every opening)."""
    app.svc.admins = frozenset({f"telegram:{ORGANISER}"})
    await use_own_bank(app)
    return ContestJobs(app.svc)


@pytest.fixture
def auto_approval(app: App) -> None:
    """The contest approves results at closing (`results.approval: auto`): the winners are
    announced by the close itself, as these tests of the deliveries expect (the jury's sign-off
    is tests/jury)."""
    results = app.svc.contest.results.model_copy(update={"approval": "auto"})
    app.svc.contest = app.svc.contest.model_copy(update={"results": results})


@pytest.fixture
def chat(app: App) -> str:
    """The announcement chat (TELEGRAM_ANNOUNCE_CHAT), reached through the recording channel."""
    app.svc.announce_to = frozenset({f"telegram:{CHAT}"})
    return CHAT


@pytest.fixture
def broadcaster(app: App, channel: RecordingChannel, clock: ManualClock) -> Broadcaster:
    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    return Broadcaster(app.svc, {"telegram": channel}, rates={"telegram": 25}, sleep=sleep)


@pytest.fixture
def scheduler(app: App, jobs: ContestJobs) -> Scheduler:
    """The scheduler of one bot process; its lock is on the in-process store."""
    return Scheduler(jobs, LeaderLock(app.store.redis, "test:leader", owner="this"))


async def lead(scheduler: Scheduler) -> None:
    """The scheduler takes the lead and catches up, as at a start."""
    await scheduler.keep_leadership()
    await scheduler.settled()
    assert scheduler.leader


async def run_at(scheduler: Scheduler, clock: ManualClock, job_id: str) -> None:
    """Move the clock to a planned job's instant and run the job as the scheduler does."""
    job = next(j for j in scheduler.planned() if j.id == job_id)
    clock.set(job.at)
    await scheduler.run(job)


async def send_with_retries(broadcaster: Broadcaster, clock: ManualClock) -> None:
    """Send what is due now, then again as each retry falls due, until every retry is over."""
    await broadcaster.run_once()
    for tries in range(1, MAX_TRIES):
        clock.advance(RETRY_FIRST * RETRY_FACTOR ** (tries - 1) + timedelta(seconds=1))
        await broadcaster.run_once()


async def people(app: App, n: int, *, start: int = 1) -> list[Person]:
    """n registered Telegram participants with distinct phones."""
    out = []
    for i in range(start, start + n):
        p = Person.on(app, "telegram", str(i), f"P{i}")
        await p.register(name=f"Nguyễn Văn Người Thứ {_word(i)}", phone=f"09{i:08d}")
        out.append(p)
    return out


def _word(i: int) -> str:
    words = ["Một", "Hai", "Ba", "Bốn", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười"]
    return " ".join(words[int(d)] if d != "0" else "Không" for d in str(i))
