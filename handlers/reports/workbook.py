"""The results workbook the secretariat and the jury sign off."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from handlers.contest import ContestConfig
from handlers.context import Services
from handlers.formatting import duration_vn, local
from handlers.phones import local_form, mask_phone
from handlers.ranking import Ranked
from handlers.reports.data import ReportData, load_report
from handlers.reports.detail import detail_sheets
from handlers.reports.layout import (
    DATETIME_FORMAT,
    append,
    header_row,
    number_format,
    printable,
)
from handlers.reports.longsheets import (
    CellWriter,
    LocalTime,
    LongSheet,
    Value,
    excel_serial,
    splice,
)
from handlers.reports.sheets import daily_sheet, stats_sheet
from handlers.rounds import RoundResults

RANKING_HEADERS = [
    "Hạng",
    "Họ và tên",
    "Số điện thoại",
    "Địa bàn",
    "Đơn vị",
    "Số câu đúng",
    "Dự đoán",
    "Chênh lệch dự đoán",
    "Thời gian làm bài",
    "Thời gian (giây)",
    "Nộp bài lúc",
    "Giải",
]
PRIZE_HEADERS = ["Giải", "Hạng", "Họ và tên", "Số điện thoại", "Địa bàn", "Đơn vị", "Số câu đúng"]


async def results_workbook(
    svc: Services, results: RoundResults, *, full_phones: bool = False
) -> bytes:
    """An XLSX of the ranking, the prizes, every counted answer and the round's statistics.

    Phones are masked unless `full_phones`. The file is assembled off the event loop: a round
    with thousands of participants makes tens of thousands of rows.
    """
    data = await load_report(svc, results)
    return await asyncio.to_thread(
        build_workbook, svc.contest, results, data, full_phones=full_phones
    )


def build_workbook(
    contest: ContestConfig, results: RoundResults, data: ReportData, *, full_phones: bool
) -> bytes:
    """The workbook's bytes from what has been read.

    The ranking and the detail sheets are long (a row per person, a row per answer): openpyxl
    lays them out with their first row only, and the rest is written by `splice`.
    """
    phone: Callable[[str], str] = local_form if full_phones else mask_phone
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Xếp hạng"
    ranking = _ranking_sheet(ws, contest, results, data, phone)
    _prize_sheet(wb.create_sheet("Giải thưởng"), contest, results, phone)
    _info_sheet(wb.create_sheet("Thông tin"), contest, results)
    details = detail_sheets(wb, contest, results, data, phone)
    stats_sheet(wb.create_sheet("Thống kê"), contest, data)
    daily_sheet(wb.create_sheet("Theo ngày"), data)
    for sheet in wb.worksheets:
        printable(sheet)
    buf = io.BytesIO()
    wb.save(buf)
    long = ([ranking] if ranking is not None else []) + details
    return splice(buf.getvalue(), long) if long else buf.getvalue()


def _ranking_sheet(
    ws: Worksheet,
    contest: ContestConfig,
    results: RoundResults,
    data: ReportData,
    phone: Callable[[str], str],
) -> LongSheet | None:
    prize_of = {a.participant_id: contest.prize_name(a.tier) for a in results.awards}
    header_row(ws, RANKING_HEADERS, [7, 26, 14, 20, 28, 12, 12, 14, 18, 12, 18, 18])
    tz = contest.tz

    def values(r: Ranked) -> list[Value]:
        p = results.people[r.participant_id]
        return [
            r.rank,
            p.full_name,
            phone(p.phone),
            p.locality,
            p.unit,
            r.correct,
            r.prediction,
            r.distance,
            duration_vn(r.duration_ms),
            round(r.duration_ms / 1000, 3),
            local(r.submitted_at, tz).replace(tzinfo=None),
            prize_of.get(r.participant_id, ""),
        ]

    if not results.ranking:
        return None
    append(ws, values(results.ranking[0]))
    number_format(ws, 11, DATETIME_FORMAT)

    def rows(w: CellWriter) -> Iterator[str]:
        # A row per person: one %-format, text cells through the shared strings.
        template = (
            f"<row>{w.number(1)}%s%s%s%s{w.number(6)}%s%s%s{w.number(10)}{w.number(11)}%s</row>"
        )
        time = LocalTime(tz)
        text = w.text
        for r in results.ranking:
            p = results.people[r.participant_id]
            facts = data.attempts.get(r.attempt_id)
            submitted = (
                time.serial(facts.submitted_ms)
                if facts is not None
                else excel_serial(local(r.submitted_at, tz).replace(tzinfo=None))
            )
            yield template % (
                r.rank,
                text(2, p.full_name),
                text(3, phone(p.phone)),
                text(4, p.locality),
                text(5, p.unit),
                r.correct,
                w.cell(7, r.prediction),
                w.cell(8, r.distance),
                text(9, duration_vn(r.duration_ms)),
                r.duration_ms / 1000,
                submitted,
                text(12, prize_of.get(r.participant_id, "")),
            )

    return LongSheet(ws.title, rows)


def _prize_sheet(
    ws: Worksheet, contest: ContestConfig, results: RoundResults, phone: Callable[[str], str]
) -> None:
    header_row(ws, PRIZE_HEADERS, [20, 7, 26, 14, 20, 28, 12])
    by_pid = {r.participant_id: r for r in results.ranking}
    for a in results.awards:
        p = results.people[a.participant_id]
        append(
            ws,
            [
                contest.prize_name(a.tier),
                a.rank,
                p.full_name,
                phone(p.phone),
                p.locality,
                p.unit,
                by_pid[a.participant_id].correct,
            ],
        )


def _info_sheet(ws: Worksheet, contest: ContestConfig, results: RoundResults) -> None:
    append(ws, ["Cuộc thi", contest.contest.title])
    append(ws, ["Đơn vị tổ chức", contest.contest.organiser])
    append(ws, ["Đợt", f"{results.round.name} ({results.round.code})"])
    append(ws, ["Trạng thái", "Chính thức" if results.final else "Tạm thời (đợt chưa kết thúc)"])
    append(ws, ["Số người tham gia (con số thực tế của câu dự đoán)", results.actual])
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 70
