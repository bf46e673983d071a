"""The ranking past Excel's row limit, and the per-answer detail file: streamed from the
database a slice at a time, matching the stored answers, local times where the clocks
change; and the discrimination index, read back from the results workbook."""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from bot.app import App
from bot.clock import ManualClock
from handlers.contest import ContestConfig
from handlers.reports import results_workbook
from handlers.reports.detail_csv import write_detail
from handlers.reports.layout import DATETIME_FORMAT
from handlers.reports.sheets import QUESTION_TITLE
from handlers.reports.workbook import RANKING_HEADERS
from handlers.rounds import close_round
from questions.model import LETTERS
from storage.repos import AnswerRow, FinishedAttempt
from storage.repos.attempt_reads import AnswerSlice
from tests.conftest import vn
from tests.results_round import SHEETS, close_with_four
from tests.support.client import Person
from tests.support.discrimination import discrimination
from tests.support.spreadsheets import detail_csv
from tests.support.stored import stored_answers, stored_attempts

NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Em",
    "Vũ Thị Giang",
    "Đặng Văn Hùng",
    "Bùi Thị Lan",
    "Đỗ Văn Minh",
    "Ngô Thị Nga",
]


def _read(data: bytes) -> Workbook:
    return load_workbook(io.BytesIO(data))


def _body(wb: Workbook, sheet: str) -> list[list[object]]:
    rows = [list(r) for r in wb[sheet].iter_rows(values_only=True)]
    assert rows[0] == RANKING_HEADERS
    return rows[1:]


@pytest.mark.parametrize(("limit", "sizes"), [(3, [2, 2]), (2, [1, 1, 1, 1]), (5, [4])])
async def test_ranking_past_the_sheet_limit_goes_on_to_numbered_sheets(
    app: App, clock: ManualClock, limit: int, sizes: list[int]
) -> None:
    results = await close_with_four(app, clock)
    whole = _body(_read(await results_workbook(app.svc, results)), "Xếp hạng")

    # `limit` rows a sheet, the header included (Excel's is 1,048,576).
    wb = _read(await results_workbook(app.svc, results, rows_per_sheet=limit))

    titles = ["Xếp hạng"] + [f"Xếp hạng ({n})" for n in range(2, len(sizes) + 1)]
    assert wb.sheetnames == titles + SHEETS[1:]
    parts = [_body(wb, title) for title in titles]
    assert [len(part) for part in parts] == sizes
    assert [row for part in parts for row in part] == whole
    assert [row[0] for part in parts for row in part] == [1, 2, 3, 4]
    last = wb[titles[-1]]
    assert last.freeze_panes == "A2"
    assert last["B1"].font.b
    assert last.cell(row=2, column=RANKING_HEADERS.index("Nộp bài lúc") + 1).number_format == (
        DATETIME_FORMAT
    )


@pytest.mark.parametrize("per_read", [1, 3, 1000])
async def test_detail_file_is_read_a_slice_at_a_time_and_matches_the_stored_answers(
    app: App, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, per_read: int
) -> None:
    results = await close_with_four(app, clock)
    reads: list[int] = []
    slices = app.svc.attempts.answer_slices

    def counted(ids: Sequence[int], *, per_read: int) -> AsyncIterator[AnswerSlice]:
        async def go() -> AsyncIterator[AnswerSlice]:
            async for part in slices(ids, per_read=per_read):
                reads.append(len(part.attempts))
                yield part

        return go()

    monkeypatch.setattr(app.svc.attempts, "answer_slices", counted)

    written = await write_detail(app.svc, results, tmp_path / "d.csv.gz", per_read=per_read)

    # Never more than `per_read` attempts' answers at a time: 4 counted attempts.
    assert max(reads) <= per_read
    assert sum(reads) == 4
    lines = detail_csv(tmp_path / "d.csv.gz")
    assert written == len(lines) == 40
    counted_ids = [r.attempt_id for r in results.ranking]
    stored = await stored_answers(app.svc.db, counted_ids)
    attempts = await stored_attempts(app.svc.db, counted_ids)
    bank = await app.svc.questions.by_ids([a.question_id for a in stored[counted_ids[0]]])
    expected = []
    for r in results.ranking:
        attempt = attempts[r.attempt_id]
        for a in stored[r.attempt_id]:
            assert a.answered_at is not None
            expected.append(
                (
                    str(r.rank),
                    attempt.code,
                    str(a.position + 1),
                    str(a.question_id),
                    LETTERS[a.choice] if a.choice is not None else "",
                    LETTERS[bank[a.question_id].correct],
                    _local(a.answered_at, ZoneInfo("Asia/Ho_Chi_Minh")),
                    _seconds(a.answered_at - attempt.started_at),
                )
            )
    assert [
        (
            line["Hạng"],
            line["Mã lượt thi"],
            line["Câu số"],
            line["Mã câu hỏi"],
            line["Phương án chọn (theo ngân hàng)"],
            line["Đáp án đúng (theo ngân hàng)"],
            line["Trả lời lúc"],
            line["Giây kể từ lúc bắt đầu"],
        )
        for line in lines
    ] == expected
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".part")]


def _local(at: datetime, tz: ZoneInfo) -> str:
    """An instant as the detail file writes it: local, to the millisecond."""
    local = at.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d}"


def _seconds(delta: timedelta) -> str:
    ms = delta // timedelta(milliseconds=1)
    return f"{ms // 1000}.{ms % 1000:03d}"


LONDON = ZoneInfo("Europe/London")
# British Summer Time began at 01:00 UTC on 26/03/2023: clocks went from 01:00 to 02:00.
CHANGE = datetime(2023, 3, 26, 1, 0, tzinfo=UTC)


def _in_london(contest: ContestConfig) -> ContestConfig:
    where = contest.contest.model_copy(update={"timezone": "Europe/London"})
    return contest.model_copy(update={"contest": where})


async def test_detail_times_are_local_on_both_sides_of_a_change_of_the_clocks(
    app: App, clock: ManualClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bank = (await app.svc.questions.active())[:10]
    # One attempt runs across the change, one before it, one after it; answers a minute
    # and a few milliseconds apart.
    starts = {
        "0912000001": CHANGE - timedelta(minutes=5, milliseconds=877),
        "0912000002": CHANGE - timedelta(days=3, milliseconds=5),
        "0912000003": CHANGE + timedelta(days=2, milliseconds=321),
    }
    for n, (phone, start) in enumerate(starts.items()):
        person = Person.on(app, "telegram", str(n), NAMES[n])
        await person.register(name=NAMES[n], phone=phone)
        answers = tuple(
            AnswerRow(p, qid, q.correct, start + timedelta(minutes=p + 1, milliseconds=13 * p))
            for p, (qid, q) in enumerate(bank)
        )
        await app.svc.attempts.save(
            FinishedAttempt(
                code=f"DST{n}",
                participant_id=await person.participant_id(),
                round_code="2023-Q1",
                channel="zalo",
                started_at=start,
                submitted_at=start + timedelta(minutes=11),
                local_day=start.astimezone(LONDON).date().isoformat(),
                duration_ms=660_000 + n,
                correct=10,
                total=10,
                prediction=3,
                auto_submitted=False,
                answers=answers,
            )
        )
    clock.set(vn(2023, 3, 31, 0, 0))
    results = await close_round(app.svc, "2023-Q1", actor="test")
    monkeypatch.setattr(app.svc, "contest", _in_london(app.contest))

    await write_detail(app.svc, results, tmp_path / "d.csv.gz")

    rows = detail_csv(tmp_path / "d.csv.gz")
    assert len(rows) == 30
    for phone, start in starts.items():
        mine = [row for row in rows if row["Số điện thoại"] == f"*******{phone[-3:]}"]
        assert [row["Trả lời lúc"] for row in mine] == [
            _local(start + timedelta(minutes=p + 1, milliseconds=13 * p), LONDON) for p in range(10)
        ]
        assert [row["Giây kể từ lúc bắt đầu"] for row in mine] == [
            f"{60 * (p + 1)}.{13 * p:03d}" for p in range(10)
        ]
        assert {row["Bắt đầu lúc"] for row in mine} == {_local(start, LONDON)}
        assert {row["Nộp bài lúc"] for row in mine} == {
            _local(start + timedelta(minutes=11), LONDON)
        }
    # Across the change the wall clock jumps an hour while the seconds run on.
    across = [row for row in rows if row["Mã lượt thi"] == "DST0"]
    assert across[4]["Trả lời lúc"].startswith("2023-03-26 00:")
    assert across[5]["Trả lời lúc"].startswith("2023-03-26 02:")


async def test_discrimination_index_is_the_upper_and_lower_27_percent_of_the_ranking(
    app: App, clock: ManualClock
) -> None:
    bank = [q for _, q in await app.svc.questions.active()][:10]
    await app.svc.questions.replace_active("ten", bank, clock.now())
    for n, right in enumerate([10, 9, 9, 7, 6, 5, 4, 4, 2, 1]):
        person = Person.on(app, "telegram", str(n), NAMES[n])
        await person.register(name=NAMES[n], phone=f"09120000{n:02d}")
        await person.take_attempt(correct=right, prediction=n)
        clock.advance(minutes=7)
    clock.set(vn(2023, 3, 31, 0, 0))
    results = await close_round(app.svc, "2023-Q1", actor="test")

    wb = _read(await results_workbook(app.svc, results))

    rows = [list(r) for r in wb["Thống kê"].iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r[0] == QUESTION_TITLE) + 2
    shown = {r[0]: r[5] for r in rows[start : start + 10]}
    counted = [r.attempt_id for r in results.ranking]
    answers = await stored_answers(app.svc.db, counted)
    questions = await app.svc.questions.by_ids([a.question_id for a in answers[counted[0]]])
    index = discrimination(
        [
            [(a.question_id, a.choice == questions[a.question_id].correct) for a in answers[i]]
            for i in counted
        ]
    )
    assert len(shown) == 10
    assert any(d is not None for d in shown.values())
    assert shown == {qid: None if d is None else round(d, 3) for qid, d in index.items()}
