"""When the leading process dies, another one runs the calendar within LEADER_TTL_SECONDS.

Measured on the real Redis with the real APScheduler, with a hand-over time of one second:
the leader dies just after renewing its lock (the worst moment: the lock has all its expiry
left), and the time until the other process leads is measured.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App
from bot.clock import ManualClock
from bot.scheduler import ContestJobs, LeaderLock, Scheduler
from tests.conftest import vn
from tests.support.servers import redis_prefix

pytestmark = pytest.mark.redis

TTL_MS = 1_000


async def test_another_process_leads_within_the_hand_over_time_when_the_leader_dies(
    app: App, clock: ManualClock, jobs: ContestJobs
) -> None:
    # After the last round: no calendar job is left for the real-time scheduler to run.
    clock.set(vn(2024, 1, 1, 8, 0))
    loop = asyncio.get_running_loop()
    measured = []
    async with redis_prefix() as (redis, prefix):
        key = f"{prefix}:leader"
        for turn in range(3):
            leader = Scheduler(jobs, LeaderLock(redis, key, ttl_ms=TTL_MS, owner=f"a{turn}"))
            follower = Scheduler(jobs, LeaderLock(redis, key, ttl_ms=TTL_MS, owner=f"b{turn}"))
            leader.start()
            await asyncio.wait_for(leader.leading.wait(), 5)
            follower.start()

            await leader.keep_leadership()  # renewed: its lock has the whole expiry left
            renewed = loop.time()
            leader.aps.shutdown(wait=False)  # and the process dies: no renewal, no release
            await asyncio.wait_for(follower.leading.wait(), 5)
            measured.append(loop.time() - renewed)

            assert await redis.get(key) == f"b{turn}"
            await leader.settled()
            await leader.shutdown()  # what it still believes it holds is not its own any more
            await follower.shutdown()
    print(f"hand-over times for {TTL_MS} ms: {[round(m * 1000) for m in measured]} ms")
    assert max(measured) < TTL_MS / 1000
