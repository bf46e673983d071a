"""Closing a round at province scale: rank, award, and write the results files.

A round of 100,000 people and 300,000 attempts (3,000,000 answers) is generated straight
into SQL (bench.generate; its time is reported apart), then the round is closed as the
scheduler or `quizbot rounds close` does it, and the results workbook and the per-answer
detail file are written side by side as they are for the organisers. Each step is timed; the
total is what an organiser waits for. `--scale hanoi` (1,300,000 people, 4,000,000 attempts,
40,000,000 answers, PostgreSQL) generates once into a kept database and closes a copy of it.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import asyncpg

from bench import generate
from bench.measure import Span, Steps, peak_rss_mb, reset_peak_rss, timed
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
from handlers import rounds
from handlers.jury import flags
from handlers.ranking import BestAttempts
from handlers.reports.data import load_report
from handlers.reports.detail_csv import write_detail
from handlers.reports.workbook import build_workbook
from handlers.rounds import close_round, reconcile

AFTER_CLOSE = datetime(2023, 3, 31, 8, 0, tzinfo=VN)
# Hà Nội's 2024 contest: 1,309,374 participants in twelve weeks. Generated once into a
# database kept under this name, and copied (CREATE DATABASE … TEMPLATE) for each run.
HANOI = {"participants": 1_300_000, "attempts": 4_000_000}
HANOI_DATABASE = "quizbot_bench_hanoi"
# What the organiser waits for: the close (rank, award, store) and the workbook.
TOTAL = ("close_round", "results_files")
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
    """`fn`, timed under `name` each time it is called (the calls' times added up)."""

    async def wrapper(*args: Any, **kwargs: Any) -> T:
        with timed() as took:
            out = await fn(*args, **kwargs)
        steps.spans.setdefault(name, Span()).add(took)
        return out

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
    keep_database: str | None = None,
    generate_only: bool = False,
) -> dict[str, Any]:
    """Generate a round in a fresh database of `kind` (sqlite or postgres), close it, report.

    With `keep_database` (PostgreSQL only) the round is generated once into the database of
    that name, kept for the next runs, and each run closes a copy of it.
    """
    profiler = profiler or Profiler(None)
    clock = ManualClock(IN_ROUND)
    if keep_database is not None:
        if kind != "postgres":
            raise SystemExit("a kept database is a PostgreSQL one")
        async with _kept_round(
            postgres_url, keep_database, participants, attempts, seed, copy=not generate_only
        ) as (url, generation_s):
            if generate_only:
                return {"database": kind, "generated": keep_database, "generation_s": generation_s}
            clock.set(AFTER_CLOSE)
            async with open_app(bench_settings(url), clock=clock, rng=random.Random(seed)) as app:
                figures = await _measured(app, profiler, kind, keep_xlsx)
        return _figures(kind, participants, attempts, generation_s, figures)
    async with _database(kind, postgres_url) as url:
        settings = bench_settings(url)
        async with open_app(settings, clock=clock, rng=random.Random(seed)) as app:
            await reconcile(app.svc)
            with timed() as generation:
                await _generate(app, url, kind, participants, attempts, seed)
            clock.set(AFTER_CLOSE)
            figures = await _measured(app, profiler, kind, keep_xlsx)
    return _figures(kind, participants, attempts, round(generation.wall, 1), figures)


async def _measured(
    app: App, profiler: Profiler, kind: str, keep_xlsx: Path | None
) -> dict[str, Any]:
    """Close the round as a bot process would, its peak memory counted from here."""
    steps = Steps()
    reset_peak_rss()
    with like_a_bot_process(), profiler.profile(f"closing-{kind}"):
        figures = await _close(app, steps, keep_xlsx)
    return {
        "steps": steps.as_dict(),
        "total_s": round(steps.total(TOTAL), 3),
        **figures,
        "peak_rss_mb": peak_rss_mb(),
    }


def _figures(
    kind: str, participants: int, attempts: int, generation_s: float, figures: dict[str, Any]
) -> dict[str, Any]:
    return {
        "database": kind,
        "participants": participants,
        "attempts": attempts,
        "answers": attempts * generate.QUESTIONS_PER_ATTEMPT,
        "generation_s": generation_s,
        **figures,
    }


@asynccontextmanager
async def _kept_round(
    postgres_url: str, name: str, participants: int, attempts: int, seed: int, *, copy: bool
) -> AsyncIterator[tuple[str, float]]:
    """(URL of a copy of the kept round, seconds its generation took now or 0).

    The kept database is generated when it is missing or holds other figures (a generation
    cut short, another size); the copy is dropped afterwards.
    """
    base = postgres_url.rsplit("/", 1)[0]
    async_base = base.replace("postgresql://", "postgresql+asyncpg://", 1)
    admin = await asyncpg.connect(postgres_url)
    try:
        generation_s = 0.0
        if not await _holds(admin, base, name, participants, attempts):
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{name}"')
            url = f"{async_base}/{name}"
            with timed() as generation:
                app_clock = ManualClock(IN_ROUND)
                async with open_app(bench_settings(url), clock=app_clock) as app:
                    await reconcile(app.svc)
                    await _generate(app, url, "postgres", participants, attempts, seed)
            generation_s = round(generation.wall, 1)
        if not copy:
            yield f"{async_base}/{name}", generation_s
            return
        copied = f"{name}_run_{uuid.uuid4().hex[:8]}"
        await admin.execute(f'CREATE DATABASE "{copied}" TEMPLATE "{name}"')
        try:
            yield f"{async_base}/{copied}", generation_s
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{copied}" WITH (FORCE)')
    finally:
        await admin.close()


async def _holds(
    admin: asyncpg.Connection, base: str, name: str, participants: int, attempts: int
) -> bool:
    """Whether the database `name` exists and holds a whole generated round of that size."""
    if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
        return False
    con = await asyncpg.connect(f"{base}/{name}")
    try:
        held = await con.fetchrow(
            "SELECT (SELECT count(*) FROM participants), (SELECT count(*) FROM attempts), "
            "(SELECT count(*) FROM attempt_answers)"
        )
    except asyncpg.PostgresError:
        return False
    finally:
        await con.close()
    return tuple(held) == (participants, attempts, attempts * generate.QUESTIONS_PER_ATTEMPT)


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


def _timed_slices(
    span: Span, slices: Callable[..., AsyncIterator[T]]
) -> Callable[..., AsyncIterator[T]]:
    """`slices`, the wait for each slice added to `span`."""

    async def wrapper(*args: Any, **kwargs: Any) -> AsyncIterator[T]:
        parts = slices(*args, **kwargs)
        while True:
            with timed() as waited:
                part = await anext(parts, None)
            span.add(waited)
            if part is None:
                return
            yield part

    return wrapper


@contextmanager
def _timed_method(owner: Any, name: str, span: Span) -> Iterator[None]:
    """While the block runs, each call of `owner.name` adds its time to `span`."""
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with timed() as took:
            out = original(*args, **kwargs)
        span.add(took)
        return out

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        setattr(owner, name, original)


async def _close(app: App, steps: Steps, keep_xlsx: Path | None) -> dict[str, Any]:
    svc = app.svc
    # Time the reads and writes close_round makes, where it makes them. The recount runs in
    # the database while the submitted attempts are read and ranked and the people read.
    for repo, method, name in (
        (svc.attempts, "recounts_that_differ", "recount"),
        (svc.participants, "entrants", "entrants"),
        (svc.winners, "store", "store"),
    ):
        setattr(repo, method, _timing(steps, name, getattr(repo, method)))
    # The jury's review flags of the head of the ranking, found once at closing.
    find = flags.find
    setattr(flags, "find", _timing(steps, "review_flags", find))  # noqa: B010
    # And the ranking inside the close: the attempts read a slice at a time from a database
    # cursor ("submitted"), ranked as they come ("rank", BestAttempts), then "allocate".
    # On PostgreSQL the database picks and sorts each person's best ("submitted") and
    # Python numbers them ("rank", in_order).
    read = steps.spans.setdefault("submitted", Span())
    svc.attempts.submitted_slices = _timed_slices(  # type: ignore[method-assign]
        read, svc.attempts.submitted_slices
    )
    svc.attempts.best_in_ranking_order = _timed_slices(  # type: ignore[method-assign]
        read, svc.attempts.best_in_ranking_order
    )
    ranking = steps.spans.setdefault("rank", Span())
    with (
        _timed_method(BestAttempts, "add", ranking),
        _timed_method(BestAttempts, "ranking", ranking),
        _timed_method(rounds, "in_order", ranking),
        _timed_method(rounds, "allocate", steps.spans.setdefault("allocate", Span())),
        steps.step("close_round"),
    ):
        try:
            results = await close_round(svc, ROUND, actor="bench")
        finally:
            setattr(flags, "find", find)  # noqa: B010
    # The files organisers get, side by side as handlers.reports.files makes them: the
    # workbook (results_workbook's two halves) and the per-answer detail, streamed from the
    # database into a gzip file. Their steps overlap; "results_files" is the wall time.

    async def workbook() -> bytes:
        with steps.step("workbook_read"):
            data = await load_report(svc, results)
        with steps.step("workbook_build"):
            return await asyncio.to_thread(
                build_workbook, svc.contest, results, data, texts=svc.texts, full_phones=False
            )

    async def detail(path: Path) -> int:
        with steps.step("detail_csv"):
            return await write_detail(svc, results, path)

    with tempfile.TemporaryDirectory(prefix="quizbot-bench-") as tmp:
        path = Path(tmp) / "chi-tiet.csv.gz"
        with steps.step("results_files"):
            xlsx, lines = await asyncio.gather(workbook(), detail(path))
        detail_mb = round(path.stat().st_size / 1e6, 1)
    if keep_xlsx is not None:
        await asyncio.to_thread(keep_xlsx.write_bytes, xlsx)
    xlsx_mb = round(len(xlsx) / 1e6, 1)
    return {
        "ranked": len(results.ranking),
        "winners": len(results.awards),
        "xlsx_mb": xlsx_mb,
        "detail_lines": lines,
        "detail_mb": detail_mb,
    }
