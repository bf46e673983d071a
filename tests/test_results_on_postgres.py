"""On PostgreSQL, as a province runs it: the round's attempts are ranked as a server-side
cursor hands them over, and the per-answer detail is written from slices of the ranking;
both give what the whole stored round gives."""

from __future__ import annotations

import gzip
import random
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import App, open_app
from bot.clock import ManualClock
from bot.config import Settings
from handlers.ranking import rank
from handlers.reports.detail_csv import write_detail
from handlers.rounds import close_round, reconcile, round_results
from storage.repos import AnswerRow, FinishedAttempt
from storage.repos.attempt_reads import DayCount
from storage.repos.attempts import _SUBMITTED_IN_ROUND
from tests.conftest import vn
from tests.results_round import close_with_four
from tests.support.client import Person
from tests.support.servers import postgres_database
from tests.support.spreadsheets import detail_csv
from tests.support.stored import stored_answers, stored_attempts

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_app(settings: Settings, clock: ManualClock) -> AsyncIterator[App]:
    async with postgres_database() as url:
        on_postgres = settings.model_copy(update={"database_url": url})
        async with open_app(on_postgres, clock=clock, rng=random.Random(7)) as a:
            await reconcile(a.svc)
            yield a


async def test_the_ranking_read_through_a_cursor_is_the_ranking_of_every_attempt(
    pg_app: App, clock: ManualClock
) -> None:
    closed = await close_with_four(pg_app, clock)
    batches = [
        len(rows)
        async for rows in pg_app.svc.db.stream(_SUBMITTED_IN_ROUND, "2023-Q1", per_fetch=2)
    ]

    whole = rank(await pg_app.svc.attempts.scored("2023-Q1"), closed.actual)

    assert batches == [2, 2, 1]  # five attempts, two at a time
    assert closed.ranking == whole
    assert (await round_results(pg_app.svc, "2023-Q1")).ranking == whole


async def test_the_detail_file_holds_every_stored_answer_of_the_counted_attempts(
    pg_app: App, clock: ManualClock, tmp_path: Path
) -> None:
    results = await close_with_four(pg_app, clock)

    written = await write_detail(pg_app.svc, results, tmp_path / "d.csv.gz", per_read=3)

    lines = detail_csv(tmp_path / "d.csv.gz")
    ids = [r.attempt_id for r in results.ranking]
    stored = await stored_answers(pg_app.svc.db, ids)
    codes = {i: a.code for i, a in (await stored_attempts(pg_app.svc.db, ids)).items()}
    expected = [
        (str(r.rank), codes[r.attempt_id], str(a.position + 1), str(a.question_id))
        for r in results.ranking
        for a in stored[r.attempt_id]
    ]
    assert written == len(lines) == 40
    assert [
        (line["Hạng"], line["Mã lượt thi"], line["Câu số"], line["Mã câu hỏi"]) for line in lines
    ] == expected


async def test_the_best_attempts_picked_by_the_database_rank_as_every_attempt_does(
    pg_app: App, clock: ManualClock
) -> None:
    """Many attempts each, ties on every figure, predictions missing: PostgreSQL's pick of
    each person's best leaves the ranking exactly as ranking all their attempts."""
    rng = random.Random(3)
    bank = (await pg_app.svc.questions.active())[:10]
    people = []
    given = ["An", "Bình", "Cường", "Dung", "Em", "Giang", "Hùng", "Lan", "Minh", "Nga"]
    for n, name in enumerate(given):
        person = Person.on(pg_app, "telegram", str(700 + n), name)
        await person.register(name=f"Nguyễn Văn {name}", phone=f"09130000{n:02d}")
        people.append(await person.participant_id())
    start = clock.now()
    for n in range(60):
        right = rng.choice([6, 7, 7, 8])
        at = start + timedelta(minutes=rng.choice([0, 0, 5]))
        await pg_app.svc.attempts.save(
            FinishedAttempt(
                code=f"T{n:03d}",
                participant_id=rng.choice(people),
                round_code="2023-Q1",
                channel="telegram",
                started_at=at,
                submitted_at=at + timedelta(seconds=90),
                local_day="2023-02-20",
                duration_ms=rng.choice([90_000, 90_000, 80_000]),
                correct=right,
                total=10,
                prediction=rng.choice([None, 3, 9, 15]),
                auto_submitted=False,
                answers=tuple(
                    AnswerRow(p, qid, q.correct if p < right else (q.correct + 1) % 4, at)
                    for p, (qid, q) in enumerate(bank)
                ),
            )
        )
    clock.set(vn(2023, 3, 31, 0, 0))

    closed = await close_round(pg_app.svc, "2023-Q1", actor="test")

    assert closed.ranking == rank(await pg_app.svc.attempts.scored("2023-Q1"), closed.actual)
    assert len(closed.ranking) == len(set(people) & {r.participant_id for r in closed.ranking})


LONDON = ZoneInfo("Europe/London")
# British Summer Time began at 01:00 UTC on 26/03/2023: clocks went from 01:00 to 02:00.
CHANGE = datetime(2023, 3, 26, 1, 0, tzinfo=UTC)
# Names a CSV cell must quote or keep from being a formula, and ones COPY's text format
# escapes (a backslash, a tab, a line break).
AWKWARD = [
    'Nguyễn "Út" Văn, An',
    '=HYPERLINK("http://x.example")',
    "'+Bình",
    "Lê\\Văn\tCường",
    "Phạm Thị\r\nDung",
    "－Hoàng",
]


async def test_the_lines_postgresql_writes_are_the_lines_built_one_by_one(
    pg_app: App, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Awkward names, an unanswered question, an attempt across a change of the clocks,
    milliseconds to round: the file COPY writes is byte for byte the one built in Python."""
    bank = (await pg_app.svc.questions.active())[:10]
    starts = [
        CHANGE - timedelta(minutes=5, microseconds=877_600),
        CHANGE - timedelta(days=3, microseconds=5_400),
        CHANGE + timedelta(days=2, microseconds=321_500),
    ]
    for n in range(len(AWKWARD)):
        person = Person.on(pg_app, "zalo", str(800 + n), "Người dự thi")
        await person.register(name="Người Dự Thi", phone=f"09140000{n:02d}")
        start = starts[n % len(starts)] + timedelta(hours=n)
        answers = tuple(
            AnswerRow(
                p,
                qid,
                None if p == n else (q.correct + p % 2) % 4,
                None if p == n else start + timedelta(minutes=p + 1, microseconds=13_499 * p),
            )
            for p, (qid, q) in enumerate(bank)
        )
        await pg_app.svc.attempts.save(
            FinishedAttempt(
                code=f'=C{n},"{n}' if n == 1 else f"CODE{n}",
                participant_id=await person.participant_id(),
                round_code="2023-Q1",
                channel="zalo" if n % 2 else "telegram",
                started_at=start,
                submitted_at=start + timedelta(minutes=11, microseconds=999_700),
                local_day=start.astimezone(LONDON).date().isoformat(),
                duration_ms=660_000 + n,
                correct=sum(a.choice == q.correct for a, (_, q) in zip(answers, bank, strict=True)),
                total=10,
                prediction=n,
                auto_submitted=n % 3 == 0,
                answers=answers,
            )
        )
    clock.set(vn(2023, 3, 31, 0, 0))
    closed = await close_round(pg_app.svc, "2023-Q1", actor="test")
    names = iter(AWKWARD)
    people = {pid: replace(p, full_name=next(names)) for pid, p in closed.people.items()}
    results = replace(closed, people=people)
    where = pg_app.contest.contest.model_copy(update={"timezone": "Europe/London"})
    monkeypatch.setattr(pg_app.svc, "contest", pg_app.contest.model_copy(update={"contest": where}))

    copied = await write_detail(pg_app.svc, results, tmp_path / "copy.csv.gz")
    built = await write_detail(pg_app.svc, results, tmp_path / "built.csv.gz", by_database=False)

    assert copied == built == 60
    made = gzip.decompress((tmp_path / "copy.csv.gz").read_bytes())
    assert made == gzip.decompress((tmp_path / "built.csv.gz").read_bytes())
    lines = detail_csv(tmp_path / "copy.csv.gz")
    assert {line["Họ và tên"] for line in lines} == {
        "'" + n if n[0] in "=+－" or n.startswith("'+") else n for n in AWKWARD
    }
    assert sum(line["Trả lời lúc"] == "" for line in lines) == len(AWKWARD)


async def test_the_round_tallies_counted_in_one_pass_are_the_three_reads_and_days_count(
    pg_app: App, clock: ManualClock
) -> None:
    results = await close_with_four(pg_app, clock)
    ids = [r.attempt_id for r in results.ranking]
    repo = pg_app.svc.attempts

    tallies = await repo.round_tallies("2023-Q1", ids[:1], ids[-2:])

    assert tallies.round == await repo.question_tallies("2023-Q1")
    assert sum(t.asked for t in tallies.round) == 50  # five attempts, ten questions each
    assert tallies.upper == await repo.question_tallies_of(ids[:1])
    assert tallies.lower == await repo.question_tallies_of(ids[-2:])
    assert [t.asked for t in tallies.lower] == [2] * 10
    none = await repo.round_tallies("2023-Q1", [], [])
    assert (none.round, none.upper, none.lower) == (tallies.round, [], [])
    # The days, each person's first grouped in memory: An, Bình and Cường on 20/02; Cường
    # again and Dung on 21/02.
    assert await repo.days("2023-Q1") == [
        DayCount("2023-02-20", 3, 3),
        DayCount("2023-02-21", 1, 2),
    ]
