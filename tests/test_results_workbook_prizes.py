"""The prize list the jury signs, and who in the ranking cannot win and why."""

from __future__ import annotations

import dataclasses
import io
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.app import App
from bot.clock import ManualClock
from bot.config import Settings
from handlers.reports import PRIZE_HEADERS, RANKING_HEADERS, results_workbook
from handlers.reports.prizes import PRIZE_TITLE, SIGN_HINT
from handlers.rounds import RoundResults
from tests.conftest import CONTEST_FILE
from tests.results_round import AN, BINH, CUONG, DUNG, close_with_four
from tests.support.client import Person

SECRETARY = ("Hoàng Văn Thư", "0911222333")
SIGN_OFF = [
    {"title": "Người lập biểu", "name": "Lê Thị Lập"},
    {"title": "Trưởng Ban Giám khảo", "name": ""},
    {"title": "Trưởng Ban Tổ chức", "name": "Trần Văn Trưởng"},
]
GIVE = RANKING_HEADERS.index("Giải")


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """The contest with a secretariat member and the names of two of the three signers."""
    data = yaml.safe_load(CONTEST_FILE.read_text(encoding="utf-8"))
    data["contest"]["sign_off"] = SIGN_OFF
    data["excluded_phones"] = [SECRETARY[1]]
    data["question_bank"] = str(CONTEST_FILE.parent / data["question_bank"])
    data["localities"] = str(CONTEST_FILE.parent / data["localities"])
    path = tmp_path / "contest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return settings.model_copy(update={"contest_file": path})


@pytest.fixture
async def results(app: App, clock: ManualClock) -> RoundResults:
    """The four of tests.results_round, and a secretariat member who beats them all."""
    secretary = Person.on(app, "telegram", "90", "Thư")
    await secretary.register(name=SECRETARY[0], phone=SECRETARY[1])
    await secretary.take_attempt(correct=10, prediction=5)
    return await close_with_four(app, clock)


async def _sheet(app: App, results: RoundResults, name: str, *, internal: bool) -> Worksheet:
    data = await results_workbook(app.svc, results, full_phones=internal)
    return load_workbook(io.BytesIO(data))[name]


def _rows(ws: Worksheet) -> list[list[object]]:
    return [list(r) for r in ws.iter_rows(values_only=True)]


async def test_a_secretariat_member_ranked_first_reads_not_eligible_and_the_internal_copy_why(
    app: App, results: RoundResults
) -> None:
    public = _rows(await _sheet(app, results, "Xếp hạng", internal=False))
    internal = _rows(await _sheet(app, results, "Xếp hạng", internal=True))

    assert public[1][:2] == [1, SECRETARY[0]]
    assert public[1][GIVE] == "không xét giải"
    assert (
        internal[1][GIVE] == "không xét giải: thành viên Ban Tổ chức, Ban Giám khảo hoặc Tổ thư ký"
    )
    # The prizes go down the ranking past them.
    assert [(r[0], r[GIVE]) for r in public[2:]] == [
        (2, "Giải Nhất"),
        (3, "Giải Nhì"),
        (4, "Giải Nhì"),
        (5, "Giải Ba"),
    ]
    prizes = _rows(await _sheet(app, results, "Giải thưởng", internal=False))
    assert not any(SECRETARY[0] in str(v) for row in prizes for v in row)


async def test_an_entry_held_aside_says_so_only_in_the_internal_copy(
    app: App, results: RoundResults
) -> None:
    # The other reason an entry cannot win: it is held aside while a phone is disputed.
    held = next(r.participant_id for r in results.ranking if r.rank == 5)
    results = dataclasses.replace(
        results,
        awards=[a for a in results.awards if a.participant_id != held],
        ineligible={**results.ineligible, held: "on_hold"},
    )

    public = _rows(await _sheet(app, results, "Xếp hạng", internal=False))
    internal = _rows(await _sheet(app, results, "Xếp hạng", internal=True))

    assert public[5][GIVE] == "không xét giải"
    assert internal[5][GIVE] == (
        "không xét giải: bài thi đang tạm giữ do tranh chấp số điện thoại, "
        "chờ Ban Tổ chức quyết định"
    )


async def test_prize_list_has_a_title_the_round_the_tie_break_figures_and_sign_off_lines(
    app: App, results: RoundResults
) -> None:
    ws = await _sheet(app, results, "Giải thưởng", internal=False)
    rows = _rows(ws)

    assert rows[0][0] == PRIZE_TITLE
    assert rows[1][0] == app.contest.contest.title
    assert rows[2][0] == "Quý 1 (2023-Q1), từ 00:00 ngày 15/02/2023 đến 23:59 ngày 30/03/2023"
    assert str(rows[3][0]).startswith("Con số thực tế của câu dự đoán (số người tham gia): 5.")
    assert {"A1:L1", "A2:L2", "A3:L3", "A4:L4"} <= {str(r) for r in ws.merged_cells.ranges}
    head = rows.index(PRIZE_HEADERS)
    winners = rows[head + 1 : head + 1 + len(results.awards)]
    # Each winner's figures are those of their line in the ranking: what settled the ties.
    ranking = {row[0]: row for row in _rows(await _sheet(app, results, "Xếp hạng", internal=False))}
    for row, a in zip(winners, results.awards, strict=True):
        assert row[:2] == [app.contest.prize_name(a.tier), a.rank]
        line = ranking[a.rank]
        assert row[2:11] == line[1:10]
        assert row[2] == results.people[a.participant_id].full_name
        submitted, when = row[11], line[10]
        assert isinstance(submitted, datetime)
        assert isinstance(when, datetime)
        assert abs(submitted - when) < timedelta(milliseconds=1)
    # Cường and Dung both have 8 right: the distance of their predictions tells them apart.
    names = [w[2] for w in winners]
    assert names == [AN.name, CUONG.name, DUNG.name, BINH.name]
    assert [w[8] for w in winners[1:3]] == [abs(CUONG.prediction - 5), abs(DUNG.prediction - 5)]

    titles = next(i for i, row in enumerate(rows) if row[0] == "NGƯỜI LẬP BIỂU")
    assert rows[titles][0::4] == ["NGƯỜI LẬP BIỂU", "TRƯỞNG BAN GIÁM KHẢO", "TRƯỞNG BAN TỔ CHỨC"]
    assert rows[titles - 1][8] == "Ninh Bình, ngày ..... tháng ..... năm ........"
    assert rows[titles + 1][0::4] == [SIGN_HINT] * 3
    names_row = next(i for i in range(titles + 2, len(rows)) if any(rows[i]))
    assert names_row - titles >= 5  # room to sign
    assert rows[names_row][0::4] == ["Lê Thị Lập", None, "Trần Văn Trưởng"]


async def test_the_internal_prize_list_has_whole_phones(app: App, results: RoundResults) -> None:
    rows = _rows(await _sheet(app, results, "Giải thưởng", internal=True))

    head = rows.index(PRIZE_HEADERS)
    assert [r[3] for r in rows[head + 1 : head + 5]] == [e.phone for e in (AN, CUONG, DUNG, BINH)]
