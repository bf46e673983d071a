"""The results workbook the secretariat and the jury sign off."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from handlers.context import Services
from handlers.formatting import duration_vn, local
from handlers.phones import local_form, mask_phone
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


def _sheet(ws: Worksheet, headers: list[str], widths: list[int]) -> None:
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width


def results_workbook(svc: Services, results: RoundResults, *, full_phones: bool = False) -> bytes:
    """An XLSX of the ranking and the prizes; phones are masked unless `full_phones`."""
    tz = svc.contest.tz
    phone = local_form if full_phones else mask_phone
    prize_of = {a.participant_id: svc.contest.prize_name(a.tier) for a in results.awards}
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Xếp hạng"
    _sheet(ws, RANKING_HEADERS, [7, 26, 14, 20, 28, 12, 12, 14, 18, 12, 18, 18])
    for r in results.ranking:
        p = results.people[r.participant_id]
        ws.append(
            [
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
        )
        ws.cell(row=ws.max_row, column=11).number_format = "dd/mm/yyyy hh:mm:ss"
    prizes = wb.create_sheet("Giải thưởng")
    _sheet(prizes, PRIZE_HEADERS, [20, 7, 26, 14, 20, 28, 12])
    by_pid = {r.participant_id: r for r in results.ranking}
    for a in results.awards:
        p = results.people[a.participant_id]
        prizes.append(
            [
                svc.contest.prize_name(a.tier),
                a.rank,
                p.full_name,
                phone(p.phone),
                p.locality,
                p.unit,
                by_pid[a.participant_id].correct,
            ]
        )
    info = wb.create_sheet("Thông tin")
    info.append(["Cuộc thi", svc.contest.contest.title])
    info.append(["Đơn vị tổ chức", svc.contest.contest.organiser])
    info.append(["Đợt", f"{results.round.name} ({results.round.code})"])
    info.append(["Trạng thái", "Chính thức" if results.final else "Tạm thời (đợt chưa kết thúc)"])
    info.append(["Số người tham gia (con số thực tế của câu dự đoán)", results.actual])
    info.column_dimensions["A"].width = 48
    info.column_dimensions["B"].width = 70
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
