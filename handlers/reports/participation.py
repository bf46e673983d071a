"""The "Thống kê" sheet's participation tables: the collective prizes, then people and
attempts per locality (and per upper level in a two-level list) and per unit, against the
headcounts of the organisers' lists (see handlers.participation)."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from handlers.contest import CollectivePrize, ContestConfig
from handlers.participation import Line, Tables, total
from handlers.reports.layout import PERCENT_FORMAT, append, bold_row
from storage.repos.collective import Awarded

LOCALITY_TITLE = "Người tham gia theo địa bàn"
PARENT_TITLE = "Người tham gia theo cấp trên của địa bàn (huyện, tỉnh)"
UNIT_TITLE = "Người tham gia theo đơn vị"
LOCALITY_HEADERS = ["Địa bàn", "Số người tham gia", "Số lượt thi"]
PARENT_HEADERS = ["Cấp trên", "Số người tham gia", "Số lượt thi"]
UNIT_HEADERS = ["Đơn vị", "Số người tham gia", "Số lượt thi"]
# After the three above, in every participation table.
RATE_HEADERS = ["Số người theo danh sách", "Tỉ lệ tham gia"]
PARENT_HEADER = "Thuộc"
NOTE_HEADER = "Ghi chú"
UNLISTED = "ngoài danh sách"
UNLISTED_NOTE = (
    "«Ngoài danh sách»: tên do người dự thi tự ghi khi chọn «Khác» lúc đăng ký (hoặc tên của "
    "danh sách cũ), cần Ban Tổ chức xem lại."
)
RATE_NOTE = (
    "Tỉ lệ tham gia = số người tham gia / số người theo danh sách; dòng tổng cộng chỉ tính "
    "các mục có số người theo danh sách."
)
TOTAL = "Tổng cộng"
COLLECTIVE_TITLE = "Giải tập thể"
COLLECTIVE_HEADERS = ["Giải", "Hạng", "Tên", "Số người tham gia", "Số lượt thi", *RATE_HEADERS]
PROVISIONAL = " (tạm tính: đợt chưa kết thúc)"
NO_COLLECTIVE = "Không có mục nào đủ điều kiện nhận giải."


def rate_value(rate: Fraction | None) -> float | None:
    """A rate as the cell holds it (shown as a percentage)."""
    return None if rate is None else float(rate)


def participation_tables(ws: Worksheet, contest: ContestConfig, tables: Tables) -> None:
    """People and attempts per locality, per upper level (two-level lists) and per unit."""
    two_level = contest.localities.two_level
    _table(ws, LOCALITY_TITLE, LOCALITY_HEADERS, tables.localities, parents=two_level)
    if tables.parents:
        append(ws, [])
        _table(ws, PARENT_TITLE, PARENT_HEADERS, tables.parents, parents=False)
    append(ws, [])
    _table(ws, UNIT_TITLE, UNIT_HEADERS, tables.units, parents=False)
    append(ws, [])
    if any(not r.listed for r in (*tables.localities, *tables.units)):
        _note(ws, UNLISTED_NOTE)
    _note(ws, RATE_NOTE)


def _table(
    ws: Worksheet, title: str, headers: list[str], rows: Sequence[Line], *, parents: bool
) -> None:
    bold_row(ws, [title])
    extra = [PARENT_HEADER] if parents else []
    bold_row(ws, [*headers, *RATE_HEADERS, *extra, NOTE_HEADER])
    first = ws.max_row + 1
    for r in rows:
        where = [r.parent] if parents else []
        note = "" if r.listed else UNLISTED
        append(
            ws,
            [
                r.name,
                r.participants,
                r.attempts,
                r.headcount,
                rate_value(r.rate),
                *where,
                note or None,
            ],
        )
    whole = total(rows, name=TOTAL)
    bold_row(ws, [TOTAL])
    for column, value in enumerate(
        (whole.participants, whole.attempts, whole.headcount, rate_value(whole.rate)), start=2
    ):
        cell = ws.cell(row=ws.max_row, column=column, value=value)
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=first, max_row=ws.max_row, min_col=5, max_col=5):
        row[0].number_format = PERCENT_FORMAT


def collective_table(
    ws: Worksheet, contest: ContestConfig, awarded: Sequence[Awarded], *, final: bool
) -> None:
    """The collective prizes of the round with the figures that decided them, and each
    prize's rule (nothing when the contest has none)."""
    if not contest.collective_prizes:
        return
    bold_row(ws, [COLLECTIVE_TITLE + ("" if final else PROVISIONAL)])
    bold_row(ws, COLLECTIVE_HEADERS)
    first = ws.max_row + 1
    for a in awarded:
        rate = Fraction(a.participants, a.headcount) if a.headcount else None
        append(
            ws, [a.prize, a.rank, a.name, a.participants, a.attempts, a.headcount, rate_value(rate)]
        )
    if not awarded:
        append(ws, [NO_COLLECTIVE])
    for row in ws.iter_rows(min_row=first, max_row=ws.max_row, min_col=7, max_col=7):
        row[0].number_format = PERCENT_FORMAT
    for prize in contest.collective_prizes:
        _note(ws, rule(prize))
    append(ws, [])


def rule(prize: CollectivePrize) -> str:
    """How a collective prize is decided, as the sheet says it."""
    among = "đơn vị" if prize.among == "units" else "địa bàn"
    if prize.by == "rate":
        order = (
            "tỉ lệ tham gia cao hơn xếp trên; bằng nhau thì nhiều người tham gia hơn, rồi nhiều "
            "lượt thi hơn, rồi mục đứng trước trong danh sách"
        )
    else:
        order = (
            "nhiều người tham gia hơn xếp trên; bằng nhau thì tỉ lệ tham gia cao hơn (mục không "
            "có số người theo danh sách xếp sau), rồi nhiều lượt thi hơn, rồi mục đứng trước "
            "trong danh sách"
        )
    least = (
        f"; chỉ xét {among} có từ {prize.min_headcount} người theo danh sách"
        if prize.min_headcount
        else ""
    )
    return f"{prize.name} ({prize.count} giải, xét các {among} trong danh sách{least}): {order}."


def _note(ws: Worksheet, text: str) -> None:
    append(ws, [text])
    ws.cell(row=ws.max_row, column=1).font = Font(italic=True)
