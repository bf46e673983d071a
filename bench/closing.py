"""Closing a round at province scale: rank, award, and write the results workbook.

A round of 100,000 people and 300,000 attempts (3,000,000 answers) is generated straight
into SQL (bench.generate; its time is reported apart), then the round is closed as the
scheduler or `quizbot rounds close` does it, and the results workbook is written as
`quizbot results --xlsx` does. Each step is timed; the total is what an organiser waits for.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from bench import generate
from bench.measure import Steps, peak_rss_mb, timed
from bench.profiling import Profiler
from bench.setup import (
    IN_ROUND,
    POSTGRES_URL,
    ROUND,
    VN,
    bench_settings,
    like_a_bot_process,
    postgres_database,
)
from bot.app import App, open_app
from bot.clock import ManualClock
from handlers.jury import flags
from handlers.ranking import allocate, rank
from handlers.reports.data import load_report
from handlers.reports.workbook import build_workbook
from handlers.rounds import close_round, excluded_participants, reconcile

AFTER_CLOSE = datetime(2023, 3, 31, 8, 0, tzinfo=VN)
# What the organiser waits for: the close (rank, award, store) and the workbook.
TOTAL = ("close_round", "workbook_read", "workbook_build")
T = TypeVar("T")


@asynccontextmanager
async def _database(kind: str, postgres_url: str) -> AsyncIterator[str]:
    """An empty database of the given kind (an async SQLAlchemy URL), removed afterwards."""
    if kind == "postgres":
        async with postgres_database(postgres_url) as url:
            yield url
        return
    with tempfile.TemporaryDirectory(prefix="quizbot-bench-") as tmp:
        yield f"sqlite+aiosqlite:///{Path(tmp) / 'quizbot.db'}"


def _timing(
    steps: Steps, name: str, fn: Callable[..., Awaitable[T]]
) -> Callable[..., Awaitable[T]]:
    """`fn`, timed under `name` each time it is called (the last call's time is kept)."""

    async def wrapper(*args: Any, **kwargs: Any) -> T:
        with steps.step(name):
            return await fn(*args, **kwargs)

    return wrapper


async def run(
    kind: str,
    *,
    participants: int = 100_000,
    attempts: int = 300_000,
    seed: int = 1,
    postgres_url: str = POSTGRES_URL,
    profiler: Profiler | None = None,
    keep_xlsx: Path | None = None,
) -> dict[str, Any]:
    """Generate a round in a fresh database of `kind` (sqlite or postgres), close it, report."""
    profiler = profiler or Profiler(None)
    clock = ManualClock(IN_ROUND)
    async with _database(kind, postgres_url) as url:
        settings = bench_settings(url)
        async with open_app(settings, clock=clock, rng=random.Random(seed)) as app:
            await reconcile(app.svc)
            with timed() as generation:
                await _generate(app, url, kind, participants, attempts, seed)
            clock.set(AFTER_CLOSE)
            steps = Steps()
            with like_a_bot_process(), profiler.profile(f"closing-{kind}"):
                figures = await _close(app, steps, keep_xlsx)
    return {
        "database": kind,
        "participants": participants,
        "attempts": attempts,
        "answers": attempts * generate.QUESTIONS_PER_ATTEMPT,
        "generation_s": round(generation.wall, 1),
        "steps": steps.as_dict(),
        "total_s": round(steps.total(TOTAL), 3),
        **figures,
        "peak_rss_mb": peak_rss_mb(),
    }


async def _generate(
    app: App, url: str, kind: str, participants: int, attempts: int, seed: int
) -> None:
    svc = app.svc
    opens, closes = svc.contest.window(ROUND)
    rnd = generate.Round(opens, closes, await svc.pool.active(), list(svc.contest.localities))
    if kind == "postgres":
        await generate.fill_postgres(url, participants, attempts, rnd, seed)
    else:
        path = url.removeprefix("sqlite+aiosqlite:///")
        generate.fill_sqlite(path, participants, attempts, rnd, seed)


async def _close(app: App, steps: Steps, keep_xlsx: Path | None) -> dict[str, Any]:
    svc = app.svc
    scored_untimed = svc.attempts.scored
    # Time the reads and writes close_round makes, where it makes them. The recount runs in
    # the database while the submitted attempts are ranked and the people read.
    for repo, method, name in (
        (svc.attempts, "submitted", "submitted"),
        (svc.attempts, "recounts_that_differ", "recount"),
        (svc.participants, "entrants", "entrants"),
        (svc.winners, "store", "store"),
    ):
        setattr(repo, method, _timing(steps, name, getattr(repo, method)))
    # The jury's review flags of the head of the ranking, found once at closing.
    find = flags.find
    setattr(flags, "find", _timing(steps, "review_flags", find))  # noqa: B010
    try:
        with steps.step("close_round"):
            results = await close_round(svc, ROUND, actor="bench")
    finally:
        setattr(flags, "find", find)  # noqa: B010
    # rank and allocate are pure: timed again on the same attempts, apart from the SQL.
    scored = await scored_untimed(ROUND)
    excluded = await excluded_participants(svc)
    tiers = [(p.tier.value, p.count) for p in svc.contest.prizes]
    with steps.step("rank"):
        ranking = rank(scored, results.actual)
    with steps.step("allocate"):
        allocate(ranking, tiers, excluded=excluded)
    # What results_workbook does, in its two halves.
    with steps.step("workbook_read"):
        data = await load_report(svc, results)
    with steps.step("workbook_build"):
        xlsx = build_workbook(svc.contest, results, data, texts=svc.texts, full_phones=False)
    if keep_xlsx is not None:
        await asyncio.to_thread(keep_xlsx.write_bytes, xlsx)
    return {
        "ranked": len(results.ranking),
        "winners": len(results.awards),
        "xlsx_mb": round(len(xlsx) / 1e6, 1),
    }
