"""The participant's own data as an Excel workbook, sent on Telegram with /dulieu.

XLSX rather than JSON: the people asking are residents and civil servants, who open a
workbook in Excel or on their phone and read it as it is, a sheet per kind of data with its
headers in Vietnamese; a JSON file would need a program to read. Each sheet is also a plain
table, so the data moves on to another program as easily. Every text stays text (a name
typed as "=…" is never a formula), as in the results workbook.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from handlers.context import Services
from handlers.formatting import local
from handlers.phones import local_form
from handlers.reports.layout import DATETIME_FORMAT, append, header_row, number_format
from questions.model import Question
from storage.repos.personal import PersonalRecord

FILENAME = "du-lieu-cua-toi.xlsx"
YES, NO = "có", "không"


async def personal_workbook(
    svc: Services, record: PersonalRecord, questions: dict[int, Question]
) -> bytes:
    """The workbook's bytes: Thông tin, Tài khoản, Số điện thoại, Lượt thi, Câu trả lời,
    Giải thưởng."""
    names = {r.code: r.name for r in await svc.rounds.all()}
    return await asyncio.to_thread(_build, svc, record, questions, names)


def _build(
    svc: Services,
    record: PersonalRecord,
    questions: dict[int, Question],
    rounds: dict[str, str],
) -> bytes:
    tz = svc.contest.tz

    def when(instant: datetime | None) -> datetime | str:
        return local(instant, tz).replace(tzinfo=None) if instant is not None else ""

    p = record.person
    wb = Workbook()
    info = wb.active
    assert info is not None
    info.title = "Thông tin"
    _table(
        info,
        ["Mục", "Giá trị"],
        [48, 70],
        [
            ["Họ và tên", p.full_name],
            ["Số điện thoại", local_form(p.phone)],
            ["Số điện thoại đã xác thực qua Telegram", YES if p.phone_verified else NO],
            ["Năm sinh", p.birth_year],
            ["Địa bàn", p.locality],
            ["Đơn vị", p.unit],
            ["Nguồn đăng ký (liên kết đã mở)", p.source],
            ["Đăng ký lúc", when(p.created_at)],
            ["Cập nhật lần cuối", when(p.updated_at)],
            ["Ban Tổ chức sửa thông tin sau lượt thi lúc", when(p.identity_edited_at)],
            ["Phiên bản nội dung đồng ý xử lý dữ liệu", p.consent_version],
            ["Đồng ý lúc", when(p.consent_at)],
            ["Phiên bản đang áp dụng", svc.contest.consent.version],
        ],
    )
    _table(
        wb.create_sheet("Tài khoản"),
        ["Ứng dụng", "Mã người dùng", "Tên hiển thị", "Liên kết từ"],
        [14, 24, 30, 20],
        [
            [a.channel, a.channel_user_id, a.display_name, when(a.created_at)]
            for a in record.accounts
        ],
    )
    _table(
        wb.create_sheet("Số điện thoại"),
        ["Số điện thoại", "Đã xác thực", "Từ", "Đến"],
        [16, 12, 20, 20],
        [
            [local_form(s.phone), YES if s.verified else NO, when(s.since), when(s.until)]
            for s in record.phones
        ],
    )
    _table(
        wb.create_sheet("Lượt thi"),
        [
            "Đợt",
            "Mã lượt thi",
            "Ứng dụng",
            "Bắt đầu",
            "Nộp bài",
            "Nộp tự động",
            "Số câu đúng",
            "Số câu",
            "Thời gian (giây)",
            "Dự đoán",
        ],
        [14, 16, 12, 20, 20, 12, 12, 8, 16, 12],
        [
            [
                rounds.get(a.round_code, a.round_code),
                a.code,
                a.channel,
                when(a.started_at),
                when(a.submitted_at),
                YES if a.auto_submitted else NO,
                a.correct,
                a.total,
                a.duration_ms / 1000,
                a.prediction,
            ]
            for a in (r.attempt for r in record.attempts)
        ],
    )
    answers = []
    for r in record.attempts:
        for ans in r.answers:
            q = questions.get(ans.question_id)
            chosen = ""
            if q is not None and ans.choice is not None and ans.choice < len(q.options):
                chosen = q.options[ans.choice]
            answers.append(
                [
                    rounds.get(r.attempt.round_code, r.attempt.round_code),
                    r.attempt.code,
                    ans.position + 1,
                    q.text if q is not None else f"#{ans.question_id}",
                    chosen,
                    when(ans.answered_at),
                ]
            )
    _table(
        wb.create_sheet("Câu trả lời"),
        ["Đợt", "Mã lượt thi", "Câu", "Câu hỏi", "Phương án đã chọn", "Trả lời lúc"],
        [14, 16, 6, 70, 40, 20],
        answers,
    )
    _table(
        wb.create_sheet("Giải thưởng"),
        ["Đợt", "Giải", "Hạng", "Họ và tên", "Số điện thoại", "Năm sinh", "Địa bàn", "Đơn vị"],
        [14, 18, 7, 26, 16, 10, 20, 28],
        [
            [
                rounds.get(w.round_code, w.round_code),
                svc.contest.prize_name(w.tier),
                w.rank,
                w.full_name,
                local_form(w.phone),
                w.birth_year,
                w.locality,
                w.unit,
            ]
            for w in record.prizes
        ],
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _table(
    ws: Worksheet, headers: list[str], widths: list[int], rows: Sequence[Sequence[object]]
) -> None:
    header_row(ws, headers, widths)
    for row in rows:
        append(ws, row)
    dated = {i for row in rows for i, v in enumerate(row, start=1) if isinstance(v, datetime)}
    for column in sorted(dated):
        number_format(ws, column, DATETIME_FORMAT)
