"""The results workbook of a closed round, read back cell by cell."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from bot.app import App
from bot.clock import ManualClock
from handlers.reports import PRIZE_HEADERS, RANKING_HEADERS, results_workbook
from handlers.reports.detail_csv import DETAIL_HEADERS, write_detail
from handlers.reports.sheets import (
    DAILY_HEADERS,
    LOCALITY_HEADERS,
    LOCALITY_TITLE,
    QUESTION_HEADERS,
    QUESTION_TITLE,
    UNIT_HEADERS,
    UNIT_TITLE,
)
from handlers.rounds import RoundResults
from questions.model import LETTERS
from tests.results_round import AN, BINH, CUONG, DUNG, SHEETS, close_with_four
from tests.support.spreadsheets import detail_csv
from tests.support.stored import stored_answers, stored_attempts


async def _workbook(app: App, results: RoundResults, *, full_phones: bool = False) -> Workbook:
    data = await results_workbook(app.svc, results, full_phones=full_phones)
    return load_workbook(io.BytesIO(data))


def _rows(wb: Workbook, sheet: str) -> list[list[object]]:
    return [list(r) for r in wb[sheet].iter_rows(values_only=True)]


def _section(rows: list[list[object]], title: str) -> list[list[object]]:
    """The rows under a section title of the statistics sheet, up to the next blank row."""
    start = next(i for i, r in enumerate(rows) if r[0] == title)
    end = next(i for i in range(start, len(rows)) if all(v is None for v in rows[i]))
    return rows[start + 1 : end]


@pytest.fixture
async def results(app: App, clock: ManualClock) -> RoundResults:
    return await close_with_four(app, clock)


async def test_ranking_lists_the_counted_attempts_with_the_last_three_phone_digits(
    app: App, results: RoundResults
) -> None:
    wb = await _workbook(app, results)

    assert wb.sheetnames == SHEETS
    ranking = _rows(wb, "Xếp hạng")
    assert ranking[0] == RANKING_HEADERS
    picked = [0, 1, 2, 3, 5, 6, 7, 11]  # rank, name, phone, locality, right, prediction, ...
    assert [[r[i] for i in picked] for r in ranking[1:]] == [
        [1, AN.name, "*******678", "Hoa Lư", 9, 4, 0, "Giải Nhất"],
        [2, CUONG.name, "*******222", "Hoa Lư", 8, 4, 0, "Giải Nhì"],
        [3, DUNG.name, "*******666", "Yên Mô", 8, 10, 6, "Giải Nhì"],
        [4, BINH.name, "*******321", "Kim Sơn", 7, 4, 0, "Giải Ba"],
    ]
    assert [r[4] for r in ranking[1:]] == ["Người dân", "Sở Y tế", "Người dân", "Sở Y tế"]
    submitted = ranking[1][RANKING_HEADERS.index("Nộp bài lúc")]
    assert isinstance(submitted, datetime)
    assert submitted.date() == date(2023, 2, 20)
    everything = [str(v) for sheet in SHEETS for row in _rows(wb, sheet) for v in row]
    for e in (AN, BINH, CUONG, DUNG):
        assert not any(e.phone in v or e.phone[:4] + "*" in v for v in everything)


async def test_information_sheet_gives_the_rounds_local_dates_and_its_figures(
    app: App, results: RoundResults
) -> None:
    public = dict(_rows(await _workbook(app, results), "Thông tin"))
    internal = dict(_rows(await _workbook(app, results, full_phones=True), "Thông tin"))

    assert public["Cuộc thi"] == app.contest.contest.title
    assert public["Đợt"] == "Quý 1 (2023-Q1)"
    assert public["Mở theo kế hoạch"] == datetime(2023, 2, 15, 0, 0)
    assert public["Kết thúc theo kế hoạch"] == datetime(2023, 3, 30, 23, 59, 59)
    # The calendar opened it when the clock stood at 08:00 on 20/02; it closed at midnight.
    assert public["Đã mở lúc"] == datetime(2023, 2, 20, 8, 0)
    assert public["Đã đóng lúc"] == datetime(2023, 3, 31, 0, 0)
    assert public["Trạng thái"] == "Chính thức"
    assert public["Số người tham gia (con số thực tế của câu dự đoán)"] == 4
    assert public["Số lượt thi"] == 5  # Cường took two
    assert str(public["Bản"]).startswith("Công khai")
    assert str(internal["Bản"]).startswith("Nội bộ")


async def test_detail_file_has_every_answer_of_the_counted_attempts(
    app: App, results: RoundResults, tmp_path: Path
) -> None:
    path = tmp_path / "chi-tiet.csv.gz"

    written = await write_detail(app.svc, results, path)

    body = detail_csv(path)
    assert list(body[0]) == DETAIL_HEADERS
    assert written == len(body) == len(results.ranking) * 10 == 40
    counted = {r.attempt_id for r in results.ranking}
    codes = {a.code for a in (await stored_attempts(app.svc.db, list(counted))).values()}
    assert {r["Mã lượt thi"] for r in body} == codes
    an = [r for r in body if r["Họ và tên"] == AN.name]
    assert [r["Câu số"] for r in an] == [str(n) for n in range(1, 11)]
    assert {r["Hạng"] for r in an} == {"1"}
    assert {r["Số điện thoại"] for r in an} == {"*******678"}
    # An answered the first nine right and the tenth wrong: letters as the bank stores them.
    bank = await app.svc.questions.by_ids([int(r["Mã câu hỏi"]) for r in an])
    first, last = an[0], an[-1]
    right_letter = LETTERS[bank[int(first["Mã câu hỏi"])].correct]
    assert first["Phương án chọn (theo ngân hàng)"] == right_letter
    assert first["Đáp án đúng (theo ngân hàng)"] == right_letter
    assert first["Kết quả"] == "đúng"
    wrong_letter = LETTERS[bank[int(last["Mã câu hỏi"])].correct]
    assert last["Đáp án đúng (theo ngân hàng)"] == wrong_letter
    assert last["Phương án chọn (theo ngân hàng)"] not in (wrong_letter, "")
    assert last["Kết quả"] == "sai"
    assert [r["Kết quả"] for r in an].count("đúng") == 9
    cuong = [r for r in body if r["Họ và tên"] == CUONG.name]
    assert [r["Kết quả"] for r in cuong].count("đúng") == 8  # the second attempt counts
    answered = datetime.strptime(first["Trả lời lúc"], "%Y-%m-%d %H:%M:%S.%f")
    assert answered.date() == date(2023, 2, 20)
    assert {r["Nộp tự động"] for r in body} == {"không"}
    assert {r["Kênh"] for r in body} == {"Telegram"}


async def test_statistics_count_people_and_attempts_and_score_each_question(
    app: App, results: RoundResults
) -> None:
    wb = await _workbook(app, results)

    rows = _rows(wb, "Thống kê")
    localities = _section(rows, LOCALITY_TITLE)
    assert localities[0][:3] == LOCALITY_HEADERS
    assert [r[:3] for r in localities[1:4]] == [
        ["Hoa Lư", 2, 3],
        ["Kim Sơn", 1, 1],
        ["Yên Mô", 1, 1],
    ]
    idle = {r[0] for r in localities[4:-1]}
    assert idle == set(app.contest.localities) - {"Hoa Lư", "Kim Sơn", "Yên Mô"}
    assert {(r[1], r[2]) for r in localities[4:-1]} == {(0, 0)}
    assert localities[-1][:3] == ["Tổng cộng", 4, 5]
    units = _section(rows, UNIT_TITLE)
    assert units[0][:3] == UNIT_HEADERS
    assert [r[:3] for r in units[1:]] == [
        ["Sở Y tế", 2, 3],
        ["Người dân", 2, 2],
        ["Tổng cộng", 4, 5],
    ]
    questions = _section(rows, QUESTION_TITLE)
    assert questions[0] == QUESTION_HEADERS
    # Each person answered their first N questions right, so a question's right answers
    # follow from where it came in each of the five attempts.
    scored = await app.svc.attempts.scored("2023-Q1")
    answers = await stored_answers(app.svc.db, [s.attempt_id for s in scored])
    expected: dict[int, list[bool]] = {}
    for s in scored:
        for a in answers[s.attempt_id]:
            expected.setdefault(a.question_id, []).append(a.position < s.correct)
    assert len(questions) - 1 == len(expected) == 10
    for qid, asked, right, share, d in ((r[0], r[2], r[3], r[4], r[5]) for r in questions[1:]):
        assert isinstance(qid, int)
        assert (asked, right) == (5, sum(expected[qid]))
        assert share == pytest.approx(sum(expected[qid]) / 5)
        assert d is None  # four counted attempts: groups of one, too few to say
    share_cell = wb["Thống kê"].cell(row=rows.index(questions[1]) + 1, column=5)
    assert share_cell.number_format == "0.0%"


async def test_chart_plots_new_participants_per_local_day(app: App, results: RoundResults) -> None:
    wb = await _workbook(app, results)

    sheet = wb["Theo ngày"]
    rows = _rows(wb, "Theo ngày")
    assert rows[0] == DAILY_HEADERS
    days = [r[0] for r in rows[1:]]
    assert days[0] == datetime(2023, 2, 15)
    assert days[-1] == datetime(2023, 3, 30)
    assert len(days) == 44  # every day of the round, idle ones too
    by_day = {r[0]: r[1:] for r in rows[1:]}
    assert by_day[datetime(2023, 2, 20)] == [3, 3, 3]
    assert by_day[datetime(2023, 2, 21)] == [1, 4, 2]
    assert sum(r[1] for r in rows[1:]) == 4
    assert rows[-1][2] == 4
    [chart] = sheet._charts
    [series] = chart.series
    assert series.val.numRef.f == "'Theo ngày'!$B$2:$B$45"
    assert series.cat.numRef.f == "'Theo ngày'!$A$2:$A$45"


async def test_full_phones_show_whole_numbers(
    app: App, results: RoundResults, tmp_path: Path
) -> None:
    wb = await _workbook(app, results, full_phones=True)
    await write_detail(app.svc, results, tmp_path / "detail.csv.gz", full_phones=True)

    ranking = _rows(wb, "Xếp hạng")
    assert [r[2] for r in ranking[1:]] == [AN.phone, CUONG.phone, DUNG.phone, BINH.phone]
    prizes = _rows(wb, "Giải thưởng")
    first = prizes.index(PRIZE_HEADERS) + 1
    assert [r[3] for r in prizes[first : first + 4]] == [
        AN.phone,
        CUONG.phone,
        DUNG.phone,
        BINH.phone,
    ]
    everything = [str(v) for sheet in SHEETS for row in _rows(wb, sheet) for v in row]
    assert not any("***" in v for v in everything)
    detail = detail_csv(tmp_path / "detail.csv.gz")
    assert {r["Số điện thoại"] for r in detail} == {AN.phone, CUONG.phone, DUNG.phone, BINH.phone}
