"""The long sheets of the results workbook, written as XML text, read back as openpyxl wrote."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils.datetime import from_excel

from handlers.reports.layout import DATETIME_FORMAT, header_row, number_format
from handlers.reports.longsheets import (
    CellWriter,
    LocalTime,
    LongSheet,
    Value,
    excel_serial,
    splice,
)

ROWS: list[list[Value]] = [
    [1, "Nguyễn Văn An", datetime(2023, 2, 20, 8, 1, 2, 345000), 12.345, None, "có"],
    [2, 'Trần <Thị> & "Bình"', datetime(2023, 3, 30, 23, 59, 59), 0.5, "", "không"],
    [3, "Lê\x07 Văn Cường", None, None, 7, "có"],
]


def _workbook(spliced: bool) -> Workbook:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Dài"
    header_row(ws, ["Hạng", "Họ và tên", "Lúc", "Giây", "Số", "Tự động"], [7, 26, 18, 9, 9, 9])
    wb.create_sheet("Sau").append(["một dòng"])
    if not spliced:
        for row in ROWS:
            ws.append([v.replace("\x07", "") if isinstance(v, str) else v for v in row])
        number_format(ws, 3, DATETIME_FORMAT)
        buf = io.BytesIO()
        wb.save(buf)
        return load_workbook(buf)
    ws.append(ROWS[0])
    number_format(ws, 3, DATETIME_FORMAT)
    buf = io.BytesIO()
    wb.save(buf)

    def rows(w: CellWriter) -> Iterator[str]:
        for row in ROWS:
            yield w.row(row)

    return load_workbook(io.BytesIO(splice(buf.getvalue(), [LongSheet("Dài", rows)])))


def test_spliced_rows_read_back_like_the_rows_openpyxl_writes() -> None:
    expected, got = _workbook(spliced=False), _workbook(spliced=True)

    assert got.sheetnames == expected.sheetnames
    for name in expected.sheetnames:
        want = [[(c.value, c.number_format) for c in row] for row in expected[name].iter_rows()]
        have = [[(c.value, c.number_format) for c in row] for row in got[name].iter_rows()]
        assert have == want
    assert got["Dài"].freeze_panes == "A2"
    assert got["Dài"]["B1"].font.b
    assert got["Dài"].column_dimensions["B"].width == 26
    assert got["Dài"]["C2"].value == datetime(2023, 2, 20, 8, 1, 2, 345000)


@pytest.mark.parametrize(
    ("zone", "change"),
    [
        # Adelaide (UTC+10:30 in summer) turned its clocks back at 16:30 UTC on 1/4/2023:
        # the change falls half-way through an hour of UTC.
        ("Australia/Adelaide", datetime(2023, 4, 1, 16, 30, tzinfo=UTC)),
        ("Europe/London", datetime(2023, 3, 26, 1, 0, tzinfo=UTC)),
        ("Asia/Ho_Chi_Minh", datetime(2023, 3, 26, 1, 0, tzinfo=UTC)),
    ],
)
def test_local_times_of_instants_agree_with_the_zone_around_a_change_of_the_clocks(
    zone: str, change: datetime
) -> None:
    tz = ZoneInfo(zone)
    time = LocalTime(tz)
    instants = [change + timedelta(minutes=m, milliseconds=m * 7) for m in range(-95, 95, 4)]

    for at in instants:
        ms = int(at.timestamp() * 1000)
        local = at.astimezone(tz).replace(tzinfo=None)
        assert time.datetime(ms) == local
        assert from_excel(time.serial(ms)) == local
        assert time.serial(ms) == pytest.approx(excel_serial(local), abs=1e-9)
