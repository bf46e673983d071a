"""With several processes sharing Redis, one runs the jobs; another takes over when it stops."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.scheduler import ContestJobs, LeaderLock, Scheduler
from storage.session import SessionStore
from tests.conftest import vn
from tests.support.servers import redis_prefix

pytestmark = pytest.mark.redis


async def test_one_process_leads_and_another_takes_over_when_it_stops(
    app: App, clock: ManualClock, jobs: ContestJobs
) -> None:
    async with redis_prefix() as (redis, prefix):
        key = f"{prefix}:leader"
        first = Scheduler(jobs, LeaderLock(redis, key, ttl_ms=60_000, owner="first"))
        second = Scheduler(jobs, LeaderLock(redis, key, ttl_ms=60_000, owner="second"))
        await first.keep_leadership()
        await first.settled()
        await second.keep_leadership()
        assert (first.leader, second.leader) == (True, False)
        assert await redis.get(key) == "first"
        assert 0 < await redis.pttl(key) <= 60_000

        # The leader dies: nobody renews, so its lock runs out (expiry, without waiting here).
        await redis.delete(key)
        clock.set(vn(2023, 4, 1, 0, 5))  # Q1 closed and Q2 opened while nobody led
        await second.keep_leadership()
        assert second.leader
        await second.settled()
        q2 = await app.svc.rounds.get("2023-Q2")
        assert q2 is not None
        assert q2.status == "open"  # the new leader caught up at once

        await first.keep_leadership()
        assert not first.leader  # it came back, but the lock is held


async def test_a_job_runs_only_in_the_leading_process(
    app: App, clock: ManualClock, jobs: ContestJobs
) -> None:
    async with redis_prefix() as (redis, prefix):
        key = f"{prefix}:leader"
        leader = Scheduler(jobs, LeaderLock(redis, key, owner="a"))
        other = Scheduler(jobs, LeaderLock(redis, key, owner="b"))
        await leader.keep_leadership()
        await leader.settled()
        clock.set(vn(2023, 3, 31, 0, 0))
        close_q1 = next(j for j in other.planned() if j.id == "close:2023-Q1")
        await other.run(close_q1)
        q1 = await app.svc.rounds.get("2023-Q1")
        assert q1 is not None
        assert q1.status == "open"
        await leader.run(close_q1)
        q1 = await app.svc.rounds.get("2023-Q1")
        assert q1 is not None
        assert q1.status == "closed"


async def test_stopping_hands_the_lock_over_at_once(jobs: ContestJobs) -> None:
    async with redis_prefix() as (redis, prefix):
        key = f"{prefix}:leader"
        first = Scheduler(jobs, LeaderLock(redis, key, owner="a"))
        await first.keep_leadership()
        await first.shutdown()
        assert await redis.get(key) is None
        assert await LeaderLock(redis, key, owner="b").claim()


async def test_jobs_are_scheduled_at_their_instants(app: App, jobs: ContestJobs) -> None:
    store: SessionStore = app.store
    scheduler = Scheduler(jobs, LeaderLock(store.redis, "test:leader", ttl_ms=15_000))
    scheduler.start(paused=True)  # its own clock is real time; these tests move a manual one
    try:
        planned = {j.id: j.at for j in scheduler.planned() if j.at > app.svc.clock.now()}
        scheduled = {j.id: j.next_run_time for j in scheduler.aps.get_jobs() if ":" in j.id}
        assert scheduled == planned
        assert "close:2023-Q1" in scheduled
        assert "open:2023-Q1" not in scheduled  # already past: reconcile's business
        every = {
            j.id: j.trigger.interval.total_seconds()
            for j in scheduler.aps.get_jobs()
            if ":" not in j.id
        }
        assert every["leader"] == 1.5  # a tenth of the hand-over time
        assert every["catch-up"] == 60  # what failed, or fell due unled, is retried
    finally:
        await scheduler.shutdown()


async def test_stopping_waits_for_a_job_that_is_running(
    app: App, clock: ManualClock, jobs: ContestJobs, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = asyncio.Event()
    finished: list[str] = []
    real_close = jobs.close

    async def slow_close(code: str) -> None:
        await release.wait()
        await real_close(code)
        finished.append(code)

    monkeypatch.setattr(jobs, "close", slow_close)
    scheduler = Scheduler(jobs, LeaderLock(app.store.redis, "test:leader:stop"))
    scheduler.start(paused=True)
    clock.set(vn(2023, 3, 31, 0, 0))
    close_q1 = next(j for j in scheduler.planned() if j.id == "close:2023-Q1")
    running = asyncio.create_task(scheduler.run(close_q1))
    await asyncio.sleep(0)
    stopping = asyncio.create_task(scheduler.shutdown(timeout=5))
    await asyncio.sleep(0)
    assert not stopping.done()  # the close is still under way
    release.set()
    await stopping
    await running
    assert finished == ["2023-Q1"]
    q1 = await app.svc.rounds.get("2023-Q1")
    assert q1 is not None
    assert q1.status == "closed"
