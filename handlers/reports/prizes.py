"""The prize list the jury signs ("Giải thưởng"), and what the ranking says of each prize.

The list has a title, the round, the winners with every figure the ranking's tie-breaks
use (right answers, the prediction and its distance from the actual figure, the time, the
submission), and a signature block from the contest file's `sign_off`. A ranked person who
cannot win (a member of the committee, jury or secretariat, or an entry held aside) reads
"không xét giải" in the ranking; the internal copy says why.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from handlers.contest import ContestConfig
from handlers.formatting import datetime_vn, duration_vn, local, number_vn
from handlers.ranking import Ranked
from handlers.reports.layout import DATETIME_FORMAT, append, bold_row, put, widths
from handlers.reports.longsheets import Value
from handlers.rounds import RoundResults
from handlers.texts import Texts, plain
from storage.repos.participants import Entrant

PRIZE_TITLE = "DANH SÁCH NGƯỜI ĐẠT GIẢI"
# What the ranking and the prize list show of each ranked person, after rank (and prize).
ENTRY_HEADERS = [
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
]
PRIZE_HEADERS = ["Giải", "Hạng", *ENTRY_HEADERS]
_WIDTHS = [18, 7, 26, 14, 20, 28, 10, 11, 12, 16, 11, 18]
TIE_BREAKS = (
    "Xếp hạng theo số câu đúng (nhiều hơn xếp trên); bằng nhau thì dự đoán gần con số thực tế "
    "hơn; rồi thời gian làm bài ngắn hơn; rồi nộp bài sớm hơn."
)
NO_WINNERS = "Đợt này không có người đạt giải."
SIGN_HINT = "(Ký, ghi rõ họ tên)"
# Rows left blank under each title for the signature.
_SIGNATURE_ROWS = 4


def entry_values(r: Ranked, p: Entrant, phone: str, tz: ZoneInfo) -> list[Value]:
    """A ranked person's cells under ENTRY_HEADERS: who they are and what their attempt did."""
    return [
        p.full_name,
        phone,
        p.locality,
        p.unit,
        r.correct,
        r.prediction,
        r.distance,
        duration_vn(r.duration_ms),
        round(r.duration_ms / 1000, 3),
        local(r.submitted_at, tz).replace(tzinfo=None),
    ]


def prize_labels(
    contest: ContestConfig, results: RoundResults, texts: Texts, *, internal: bool
) -> dict[int, str]:
    """What the ranking's "Giải" column says of each person: the prize, or why there is none.

    The public copy says only "không xét giải"; the internal copy adds the reason.
    """
    labels = {
        pid: not_eligible(texts, reason, internal=internal)
        for pid, reason in results.ineligible.items()
    }
    labels.update({a.participant_id: contest.prize_name(a.tier) for a in results.awards})
    return labels


def not_eligible(texts: Texts, reason: str, *, internal: bool) -> str:
    """ "không xét giải", with the reason (a key of RoundResults.ineligible) when internal."""
    reasons = {
        "excluded": texts("results.reason_excluded"),
        "on_hold": texts("results.reason_on_hold"),
        "withdrawn": texts("results.reason_withdrawn"),
        "set_aside": texts("results.reason_set_aside"),
    }
    why = reasons.get(reason)
    if not internal or why is None:
        return plain(texts("results.not_eligible"))
    return plain(texts("results.not_eligible_because", reason=why))


def prize_sheet(
    ws: Worksheet, contest: ContestConfig, results: RoundResults, phone: Callable[[str], str]
) -> None:
    """The title, the round, the winners with their tie-break figures, and the sign-off."""
    width = len(PRIZE_HEADERS)
    widths(ws, _WIDTHS)
    _heading(ws, contest, results, width)
    bold_row(ws, PRIZE_HEADERS)
    by_pid = {r.participant_id: r for r in results.ranking}
    for a in results.awards:
        p = results.people[a.participant_id]
        r = by_pid[a.participant_id]
        append(
            ws,
            [contest.prize_name(a.tier), a.rank, *entry_values(r, p, phone(p.phone), contest.tz)],
        )
        ws.cell(row=ws.max_row, column=width).number_format = DATETIME_FORMAT
    if not results.awards:
        append(ws, [NO_WINNERS])
    _sign_off(ws, contest, width)


def _heading(ws: Worksheet, contest: ContestConfig, results: RoundResults, width: int) -> None:
    rnd = results.round
    tz = contest.tz
    window = f"từ {datetime_vn(rnd.opens_at, tz)} đến {datetime_vn(rnd.closes_at, tz)}"
    state = "" if results.final else " (kết quả tạm thời: đợt chưa kết thúc)"
    lines = [
        (PRIZE_TITLE, Font(bold=True, size=14)),
        (contest.contest.title, Font(bold=True)),
        (f"{rnd.name} ({rnd.code}), {window}{state}", Font()),
        (
            "Con số thực tế của câu dự đoán (số người tham gia): "
            f"{number_vn(results.actual)}. {TIE_BREAKS}",
            Font(italic=True),
        ),
    ]
    for row, (text, font) in enumerate(lines, start=1):
        cell = put(ws, row, 1, text)
        cell.font = font
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    # The tie-breaks take two lines of the merged cell.
    ws.row_dimensions[len(lines)].height = 32
    append(ws, [])


def _sign_off(ws: Worksheet, contest: ContestConfig, width: int) -> None:
    """The place and date line, then each signer's title, hint, blank space and name, side by
    side across the sheet's width."""
    signers = contest.contest.sign_off
    span = width // len(signers)
    first = ws.max_row + 3
    columns = [1 + i * span for i in range(len(signers))]
    last_start = columns[-1]
    place = f"{contest.contest.province}, ngày ..... tháng ..... năm ........"
    _block_cell(ws, first, last_start, span, place, Font(italic=True))
    for start, signer in zip(columns, signers, strict=True):
        _block_cell(ws, first + 1, start, span, signer.title.upper(), Font(bold=True))
        _block_cell(ws, first + 2, start, span, SIGN_HINT, Font(italic=True))
        name_row = first + 3 + _SIGNATURE_ROWS
        _block_cell(ws, name_row, start, span, signer.name, Font(bold=True))


def _block_cell(ws: Worksheet, row: int, start: int, span: int, text: str, font: Font) -> None:
    cell = put(ws, row, start, text or None)
    cell.font = font
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    if span > 1:
        ws.merge_cells(start_row=row, start_column=start, end_row=row, end_column=start + span - 1)
