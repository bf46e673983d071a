"""The results workbook the secretariat and the jury sign off."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable, Iterator
from datetime import datetime
from itertools import islice

from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.worksheet.worksheet import Worksheet

from handlers.contest import ContestConfig
from handlers.context import Services
from handlers.formatting import duration_vn, local
from handlers.phones import local_form, mask_phone
from handlers.ranking import Ranked
from handlers.reports.data import ReportData, load_report
from handlers.reports.layout import (
    DATETIME_FORMAT,
    append,
    header_row,
    number_format,
    printable,
)
from handlers.reports.longsheets import (
    EXCEL_ROWS,
    CellWriter,
    LocalTime,
    LongSheet,
    Value,
    splice,
)
from handlers.reports.prizes import ENTRY_HEADERS, entry_values, prize_labels, prize_sheet
from handlers.reports.sheets import daily_sheet, stats_sheet
from handlers.rounds import RoundResults
from handlers.texts import Texts

PUBLIC_COPY = "Công khai: số điện thoại chỉ hiện ba chữ số cuối"
INTERNAL_COPY = "Nội bộ: số điện thoại đầy đủ, chỉ dùng trong Ban Tổ chức"
RANKING_TITLE = "Xếp hạng"
RANKING_HEADERS = ["Hạng", *ENTRY_HEADERS, "Giải"]


async def results_workbook(
    svc: Services,
    results: RoundResults,
    *,
    full_phones: bool = False,
    rows_per_sheet: int = EXCEL_ROWS,
) -> bytes:
    """An XLSX of the ranking, the prizes and the round's statistics.

    Every counted answer is in the detail file beside it (handlers.reports.detail_csv): a
    round of 1,300,000 people has 13,000,000, more than a workbook holds. The ranking past
    a sheet's `rows_per_sheet` (Excel's limit) goes on to "Xếp hạng (2)", "Xếp hạng (3)"….

    The public copy shows only the last three digits of each phone; `full_phones` makes the
    organisers' internal copy: whole phones, why each person who cannot win cannot, and the
    winners who withdrew consent as stored at closing (handlers.anonymity). The
    file is assembled off the event loop: a round with thousands of participants makes tens
    of thousands of rows.
    """
    if full_phones:
        results = results.internal()
    data = await load_report(svc, results)
    return await asyncio.to_thread(
        build_workbook,
        svc.contest,
        results,
        data,
        texts=svc.texts,
        full_phones=full_phones,
        rows_per_sheet=rows_per_sheet,
    )


def build_workbook(
    contest: ContestConfig,
    results: RoundResults,
    data: ReportData,
    *,
    texts: Texts,
    full_phones: bool,
    rows_per_sheet: int = EXCEL_ROWS,
) -> bytes:
    """The workbook's bytes from what has been read.

    The ranking is long (a row per person): openpyxl lays each of its sheets out with the
    first row only, and the rest is written by `splice`.
    """
    phone: Callable[[str], str] = local_form if full_phones else mask_phone
    prizes = prize_labels(contest, results, texts, internal=full_phones)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = RANKING_TITLE
    ranking = _ranking_sheets(wb, contest, results, phone, prizes, rows_per_sheet - 1)
    prize_sheet(wb.create_sheet("Giải thưởng"), contest, results, phone)
    _info_sheet(wb.create_sheet("Thông tin"), contest, results, data, internal=full_phones)
    stats_sheet(wb.create_sheet("Thống kê"), contest, data)
    daily_sheet(wb.create_sheet("Theo ngày"), data)
    for sheet in wb.worksheets:
        printable(sheet)
    buf = io.BytesIO()
    wb.save(buf)
    return splice(buf.getvalue(), ranking) if ranking else buf.getvalue()


def _ranking_sheets(
    wb: Workbook,
    contest: ContestConfig,
    results: RoundResults,
    phone: Callable[[str], str],
    prize_of: dict[int, str],
    per_sheet: int,
) -> list[LongSheet]:
    """The ranking on the first sheet and, past `per_sheet` people, on numbered ones after
    it; each laid out with its header and first row, the rest written by `splice`."""
    ranking = results.ranking
    sheets = []
    for n, start in enumerate(range(0, max(len(ranking), 1), per_sheet), start=1):
        if n == 1:
            ws = wb.active
            assert ws is not None
        else:
            ws = wb.create_sheet(f"{RANKING_TITLE} ({n})", index=n - 1)
        sheet = _ranking_sheet(ws, contest, results, phone, prize_of, start, start + per_sheet)
        if sheet is not None:
            sheets.append(sheet)
    return sheets


def _ranking_sheet(
    ws: Worksheet,
    contest: ContestConfig,
    results: RoundResults,
    phone: Callable[[str], str],
    prize_of: dict[int, str],
    start: int,
    end: int,
) -> LongSheet | None:
    header_row(ws, RANKING_HEADERS, [7, 26, 14, 20, 28, 12, 12, 14, 18, 12, 18, 18])
    tz = contest.tz

    def values(r: Ranked) -> list[Value]:
        p = results.people[r.participant_id]
        entry = entry_values(r, p, phone(p.phone), tz)
        return [r.rank, *entry, prize_of.get(r.participant_id, "")]

    if start >= len(results.ranking):
        return None
    append(ws, values(results.ranking[start]))
    number_format(ws, 11, DATETIME_FORMAT)

    def rows(w: CellWriter) -> Iterator[str]:
        # A row per person: one %-format, text cells through the shared strings.
        template = (
            f"<row>{w.number(1)}%s%s%s%s{w.number(6)}%s%s%s{w.number(10)}{w.number(11)}%s</row>"
        )
        time = LocalTime(tz)
        text = w.text
        for r in islice(results.ranking, start, end):
            p = results.people[r.participant_id]
            submitted = time.serial(round(r.submitted_at.timestamp() * 1000))
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


def _info_sheet(
    ws: Worksheet,
    contest: ContestConfig,
    results: RoundResults,
    data: ReportData,
    *,
    internal: bool,
) -> None:
    """The contest, the round and its dates in local time, its figures, and which copy this is."""
    rnd = results.round
    tz = contest.tz

    def when(instant: datetime | None) -> datetime | str:
        return local(instant, tz).replace(tzinfo=None) if instant is not None else "chưa"

    rows: list[tuple[str, object]] = [
        ("Cuộc thi", contest.contest.title),
        ("Đơn vị tổ chức", contest.contest.organiser),
        ("Đợt", f"{rnd.name} ({rnd.code})"),
        ("Mở theo kế hoạch", when(rnd.opens_at)),
        ("Kết thúc theo kế hoạch", when(rnd.closes_at)),
        ("Đã mở lúc", when(rnd.opened_at)),
        ("Đã đóng lúc", when(rnd.closed_at)),
        ("Trạng thái", _state(results)),
        ("Số người tham gia (con số thực tế của câu dự đoán)", results.actual),
        ("Số lượt thi", sum(d.attempts for d in data.days)),
        ("Bản", INTERNAL_COPY if internal else PUBLIC_COPY),
    ]
    for label, value in rows:
        append(ws, [label, value])
        if isinstance(value, datetime):
            ws.cell(row=ws.max_row, column=2).number_format = DATETIME_FORMAT
            ws.cell(row=ws.max_row, column=2).alignment = Alignment(horizontal="left")
    ws.column_dimensions["A"].width = 48
    ws.column_dimensions["B"].width = 70


def _state(results: RoundResults) -> str:
    """Whether the results are final: the round closed and the jury approved them."""
    if not results.final:
        return "Tạm thời (đợt chưa kết thúc)"
    if not results.approved:
        return "Tạm tính (chờ Ban Giám khảo phê duyệt)"
    return "Chính thức"
