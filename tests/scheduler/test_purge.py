"""The calendar anonymises personal data once, when the retention time after the contest's
last round runs out: at the planned instant, or at the first catch-up after it."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from bot.scheduler import Scheduler
from handlers.rounds import close_round
from tests.conftest import vn
from tests.scheduler.conftest import lead, people, run_at

DUE = vn(2024, 5, 28, 23, 59, 59)


async def _names(app: App) -> list[str]:
    async with app.db.engine.connect() as conn:
        raw = await conn.exec_driver_sql("SELECT full_name FROM participants ORDER BY id")
        return [r[0] for r in raw]


async def _purges(app: App) -> int:
    return len([e for e in await app.svc.audit.recent(100) if e.action == "data.purge"])


async def test_the_purge_runs_at_its_planned_instant_once(
    app: App, clock: ManualClock, scheduler: Scheduler
) -> None:
    first, _ = await people(app, 2)
    await first.take_attempt(correct=6)
    for code in ("2023-Q1", "2023-Q2", "2023-Q3", "2023-Q4"):
        await close_round(app.svc, code, actor="test")
    await lead(scheduler)
    (job,) = [j for j in scheduler.planned() if j.kind == "purge"]
    assert job.at == DUE

    clock.set(DUE - timedelta(seconds=1))
    await scheduler.catch_up()
    assert await _purges(app) == 0
    await run_at(scheduler, clock, "purge:cds-ninhbinh-2023")
    assert await _names(app) == [""]  # the one with an attempt, nameless; the other is gone
    await scheduler.run(job)
    await scheduler.catch_up()
    assert await _purges(app) == 1


async def test_a_catch_up_after_the_due_time_closes_what_is_left_and_purges_once(
    app: App, clock: ManualClock, scheduler: Scheduler
) -> None:
    await people(app, 3)
    clock.set(DUE + timedelta(days=3))  # the bot was down when the time came

    await lead(scheduler)
    assert scheduler.caught_up
    assert await _names(app) == []
    assert [r.status for r in await app.svc.rounds.all()] == ["closed"] * 4
    (later,) = await people(app, 1, start=7)  # someone who writes after it: left alone
    await scheduler.catch_up()
    assert await _purges(app) == 1
    assert await _names(app) == ["Nguyễn Văn Người Thứ Tám"]
    assert await later.participant_id()
