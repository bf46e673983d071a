"""The detail sheets past Excel's row limit, local times where the clocks change, and the
discrimination index, read back from the results workbook."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from bot.app import App
from bot.clock import ManualClock
from handlers.contest import ContestConfig
from handlers.reports import detail as detail_module
from handlers.reports import results_workbook
from handlers.reports.data import load_report
from handlers.reports.detail import DETAIL_HEADERS
from handlers.reports.layout import DATETIME_FORMAT
from handlers.reports.sheets import QUESTION_TITLE
from handlers.reports.workbook import RANKING_HEADERS, build_workbook
from handlers.rounds import close_round
from storage.repos import AnswerRow, FinishedAttempt
from tests.conftest import vn
from tests.results_round import SHEETS, close_with_four
from tests.support.client import Person
from tests.support.discrimination import discrimination
from tests.support.stored import stored_answers

COLUMN = {h: i for i, h in enumerate(DETAIL_HEADERS)}
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
    assert rows[0] == DETAIL_HEADERS
    return rows[1:]


@pytest.mark.parametrize(
    ("limit", "sizes"),
    [
        # 25 answer rows a sheet: two people (20 rows) each, nobody split.
        (26, [20, 20]),
        # 7 a sheet: nobody's ten answers fit, so each person runs on over two sheets.
        (8, [7, 3, 7, 3, 7, 3, 7, 3]),
    ],
)
async def test_detail_rows_past_the_sheet_limit_go_on_to_numbered_sheets(
    app: App,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    limit: int,
    sizes: list[int],
) -> None:
    results = await close_with_four(app, clock)
    whole = _body(_read(await results_workbook(app.svc, results)), "Chi tiết")
    monkeypatch.setattr(detail_module, "EXCEL_ROWS", limit)

    wb = _read(await results_workbook(app.svc, results))

    titles = ["Chi tiết"] + [f"Chi tiết ({n})" for n in range(2, len(sizes) + 1)]
    assert wb.sheetnames == SHEETS[:3] + titles + SHEETS[4:]
    parts = [_body(wb, title) for title in titles]
    assert [len(part) for part in parts] == sizes
    assert [row for part in parts for row in part] == whole
    if limit == 26:
        names = [{row[COLUMN["Họ và tên"]] for row in part} for part in parts]
        assert all(len(n) == 2 for n in names)
        assert not names[0] & names[1]
    last = wb[titles[-1]]
    assert last.freeze_panes == "A2"
    assert last["B1"].font.b
    assert last.column_dimensions["G"].width == 60
    assert last.cell(row=2, column=COLUMN["Trả lời lúc"] + 1).number_format == DATETIME_FORMAT


LONDON = ZoneInfo("Europe/London")
# British Summer Time began at 01:00 UTC on 26/03/2023: clocks went from 01:00 to 02:00.
CHANGE = datetime(2023, 3, 26, 1, 0, tzinfo=UTC)


def _in_london(contest: ContestConfig) -> ContestConfig:
    where = contest.contest.model_copy(update={"timezone": "Europe/London"})
    return contest.model_copy(update={"contest": where})


async def test_detail_times_are_local_on_both_sides_of_a_change_of_the_clocks(
    app: App, clock: ManualClock
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
    data = await load_report(app.svc, results)

    wb = _read(
        build_workbook(
            _in_london(app.contest), results, data, texts=app.svc.texts, full_phones=False
        )
    )

    def local(at: datetime) -> datetime:
        return at.astimezone(LONDON).replace(tzinfo=None)

    rows = _body(wb, "Chi tiết")
    assert len(rows) == 30
    by_code = {r.attempt_id: r for r in results.ranking}
    ranking = {row[0]: row for row in list(wb["Xếp hạng"].iter_rows(values_only=True))[1:]}
    for phone, start in starts.items():
        mine = [row for row in rows if row[COLUMN["Số điện thoại"]] == f"*******{phone[-3:]}"]
        assert [row[COLUMN["Trả lời lúc"]] for row in mine] == [
            local(start + timedelta(minutes=p + 1, milliseconds=13 * p)) for p in range(10)
        ]
        assert [row[COLUMN["Giây kể từ lúc bắt đầu"]] for row in mine] == [
            60 * (p + 1) + 0.013 * p for p in range(10)
        ]
        assert {row[COLUMN["Bắt đầu lúc"]] for row in mine} == {local(start)}
        assert {row[COLUMN["Nộp bài lúc"]] for row in mine} == {
            local(start + timedelta(minutes=11))
        }
        rank = mine[0][COLUMN["Hạng"]]
        submitted = ranking[rank][RANKING_HEADERS.index("Nộp bài lúc")]
        assert submitted == local(start + timedelta(minutes=11))
    assert len(by_code) == 3
    # Across the change the wall clock jumps an hour while the seconds run on.
    across = [row for row in rows if row[COLUMN["Mã lượt thi"]] == "DST0"]
    assert across[4][COLUMN["Trả lời lúc"]].hour == 0
    assert across[5][COLUMN["Trả lời lúc"]].hour == 2


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
