"""What organisers get when a round closes: the internal workbook, kept on the server too,
and the per-answer detail written on the server, the caption saying where each is."""

from __future__ import annotations

from pathlib import Path

from bot.app import App
from bot.clock import ManualClock
from handlers.announce import RESULTS_FILE
from handlers.documents import document
from tests.results_round import AN, close_with_four
from tests.support.spreadsheets import detail_csv


async def test_the_closing_workbook_says_where_the_detail_is_kept_on_the_server(
    app: App, clock: ManualClock, tmp_path: Path
) -> None:
    await close_with_four(app, clock)

    made = await document(app.svc, f"{RESULTS_FILE}2023-Q1", caption="Kết quả Quý I")

    detail = app.svc.results_dir.resolve() / "chi-tiet-2023-Q1-noi-bo.csv.gz"
    assert made.filename == "ket-qua-2023-Q1-noi-bo.xlsx"
    assert made.caption.startswith("Kết quả Quý I\n")
    assert "(40 dòng; tệp CSV nén gzip" in made.caption
    assert f"lưu trên máy chủ tại: {detail}" in made.caption
    lines = detail_csv(detail)
    assert len(lines) == 40
    # The internal copy: whole phones.
    assert {line["Số điện thoại"] for line in lines if line["Họ và tên"] == AN.name} == {AN.phone}
    assert made.kept_at == str(app.svc.results_dir.resolve() / made.filename)
    assert _bytes(Path(made.kept_at)) == made.data


def _bytes(path: Path) -> bytes:
    return path.read_bytes()
