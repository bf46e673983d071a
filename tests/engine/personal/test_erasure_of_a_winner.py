"""/xoadulieu by a winner: the prize record the organisers must keep for the prize accounts
stays (the winner as stored at closing), hidden from every public output, and the winner is
told exactly what is kept and why; everything else goes as for anyone."""

from __future__ import annotations

import io

from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook

from bot.app import App
from bot.clock import ManualClock
from bot.web import JoinLinks, Site
from handlers.certificates import certificates
from handlers.reports import results_workbook
from handlers.rounds import round_results
from tests.engine.personal.support import (
    ERASE,
    closed_and_erased,
    closed_round,
    live_keys,
    stored_about,
)
from tests.results_round import AN, CUONG
from tests.support.client import Person
from tests.web.support import ORGANISER, ORGANISER_ID, Browser, link_from_chat


def _text(book: bytes) -> str:
    wb = load_workbook(io.BytesIO(book))
    return str([list(ws.iter_rows(values_only=True)) for ws in wb.worksheets])


async def test_the_winner_is_told_what_is_kept_and_why_before_and_after(
    app: App, clock: ManualClock
) -> None:
    closed = await closed_round(app, clock)
    an = closed.people[AN.uid]

    await an.send("/xoadulieu")
    kept = "Ban Tổ chức giữ lại hồ sơ giải thưởng (Giải Nhất Quý 1)"
    assert kept in an.said
    assert "chứng từ chi trả giải thưởng" in an.said
    assert "không còn xuất hiện trong kết quả công bố" in an.said
    await an.tap(ERASE)
    assert "Đã rút lại sự đồng ý và xoá dữ liệu của bạn" in an.said
    assert kept in an.said

    pid = closed.ids[AN.uid]
    stored = await stored_about(app, pid)
    assert stored["winners"] == [(AN.name, "+84912345678")]
    assert stored["participants"] == [("", "", 0, "")]
    assert stored["accounts"] == stored["participant_phones"] == []
    assert stored["attempts"] == [("2023-Q1",)]
    assert await live_keys(app, ["telegram:1"], pid) == []


async def test_a_withdrawn_winner_is_nameless_in_public_outputs_and_named_for_the_organisers(
    app: App, clock: ManualClock
) -> None:
    closed, _ = await closed_and_erased(app, clock, AN.uid)
    pid = closed.ids[AN.uid]

    results = await round_results(app.svc, "2023-Q1")
    assert (results.awards[0].participant_id, results.awards[0].tier) == (pid, "first")
    assert results.people[pid].full_name == "(ẩn danh)"
    assert results.ineligible[pid] == "withdrawn"

    public = await results_workbook(app.svc, results)
    assert AN.name not in _text(public)
    assert "*******678" not in _text(public)
    ranking = list(load_workbook(io.BytesIO(public))["Xếp hạng"].iter_rows(values_only=True))
    assert ranking[1][:3] == (1, "(ẩn danh)", None)
    assert ranking[1][-1] == "Giải Nhất"

    internal = await results_workbook(app.svc, results, full_phones=True)
    assert AN.name in _text(internal)
    assert "0912345678" in _text(internal)
    first = next(c for c in certificates(app.contest, results) if c.participant_id == pid)
    assert first.filename == "01-giai-nhat-nguyen-van-an.pdf"


async def test_the_dashboards_ranking_shows_the_withdrawn_winner_nameless(
    app: App, clock: ManualClock
) -> None:
    await closed_and_erased(app, clock, AN.uid)
    app.svc.admins = frozenset({ORGANISER})
    site = Site(app.svc, public_url="http://quiz.example.gov.vn", links=JoinLinks())
    async with TestClient(TestServer(site.application())) as client:
        browser = Browser(client, site)
        await browser.sign_in(await link_from_chat(Person.on(app, "telegram", ORGANISER_ID)))
        await browser.get("/quan-tri/ket-qua/2023-Q1")
        assert "1 ⚠ Bị gắn cờ: (ẩn danh)" in browser.text
        assert AN.name not in browser.last
        assert CUONG.name in browser.text
