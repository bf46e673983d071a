"""The workbook's statistics sheets: "Thống kê" and "Theo ngày"."""

from __future__ import annotations

from datetime import date

from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from handlers.contest import ContestConfig
from handlers.reports.data import ReportData
from handlers.reports.layout import (
    DATE_FORMAT,
    PERCENT_FORMAT,
    append,
    bold_row,
    header_row,
    number_format,
    widths,
)
from handlers.reports.participation import (
    LOCALITY_HEADERS,
    LOCALITY_TITLE,
    UNIT_HEADERS,
    UNIT_TITLE,
    collective_table,
    participation_tables,
)
from handlers.reports.stats import clip, day_span, discrimination_of_groups

__all__ = ["LOCALITY_HEADERS", "LOCALITY_TITLE", "UNIT_HEADERS", "UNIT_TITLE"]
QUESTION_TITLE = "Câu hỏi đã dùng trong đợt"
QUESTION_HEADERS = [
    "Mã câu hỏi",
    "Câu hỏi",
    "Số lần hỏi",
    "Số lần trả lời đúng",
    "Tỉ lệ trả lời đúng",
    "Độ phân biệt (D)",
]
QUESTION_NOTES = [
    "Số lần hỏi và tỉ lệ trả lời đúng tính trên mọi lượt thi của đợt.",
    "Độ phân biệt D theo phương pháp nhóm 27%: xếp lượt thi được tính điểm của mỗi người "
    "theo số câu đúng, lấy 27% lượt cao nhất và 27% lượt thấp nhất; D = tỉ lệ đúng của nhóm "
    "cao − tỉ lệ đúng của nhóm thấp, chỉ tính trên các lượt được hỏi câu đó. Để trống khi "
    "một nhóm có dưới 2 lượt được hỏi câu đó.",
    "Thang thường dùng (Ebel): D từ 0,40 rất tốt; 0,30–0,39 tốt; 0,20–0,29 tạm được; "
    "dưới 0,20 nên xem lại câu hỏi.",
]
DAILY_HEADERS = ["Ngày", "Người tham gia mới", "Tổng số người tham gia", "Số lượt thi"]
CHART_TITLE = "Người tham gia mới theo ngày"


def stats_sheet(ws: Worksheet, contest: ContestConfig, data: ReportData) -> None:
    """The collective prizes, participation by locality and by unit against the lists'
    headcounts, then every question asked with its figures."""
    widths(ws, [34, 60, 14, 14, 14, 14, 24, 16])
    collective_table(ws, contest, data.collective, final=data.collective_final)
    participation_tables(ws, contest, data.participation)
    append(ws, [])
    _questions(ws, data)


def _questions(ws: Worksheet, data: ReportData) -> None:
    index = discrimination_of_groups(
        {t.question_id: (t.asked, t.right) for t in data.upper},
        {t.question_id: (t.asked, t.right) for t in data.lower},
        [t.question_id for t in data.tallies],
    )
    bold_row(ws, [QUESTION_TITLE])
    bold_row(ws, QUESTION_HEADERS)
    first = ws.max_row + 1
    for t in data.tallies:
        q = data.questions.get(t.question_id)
        append(
            ws,
            [
                t.question_id,
                clip(q.text) if q is not None else "",
                t.asked,
                t.right,
                t.right / t.asked if t.asked else None,
                _rounded(index.get(t.question_id)),
            ],
        )
    for (cell,) in ws.iter_rows(min_row=first, min_col=1, max_col=1):
        cell.alignment = Alignment(horizontal="left")
    number_format(ws, 5, PERCENT_FORMAT, first_row=first)
    number_format(ws, 6, "0.00", first_row=first)
    append(ws, [])
    for note in QUESTION_NOTES:
        append(ws, [note])
        ws.cell(row=ws.max_row, column=1).font = Font(italic=True)


def _rounded(d: float | None) -> float | None:
    return None if d is None else round(d, 3)


def daily_sheet(ws: Worksheet, data: ReportData) -> None:
    """New participants per local day of the round, with a bar chart beside the table."""
    header_row(ws, DAILY_HEADERS, [12, 18, 18, 12])
    counts = {date.fromisoformat(d.day): d for d in data.days}
    total = 0
    for day in day_span(data.first_day, data.last_day, counts):
        c = counts.get(day)
        new = c.new_participants if c is not None else 0
        total += new
        append(ws, [day, new, total, c.attempts if c is not None else 0])
    number_format(ws, 1, DATE_FORMAT)
    last = ws.max_row
    if last < 2:
        return
    chart = BarChart()
    chart.type = "col"
    chart.title = CHART_TITLE
    chart.x_axis.title = "Ngày"
    chart.y_axis.title = "Số người"
    chart.x_axis.number_format = "dd/mm"
    # openpyxl hides both axes by default since 3.1; a chart without them is unreadable.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=last), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
    chart.width = 26
    chart.height = 12
    ws.add_chart(chart, "F2")
