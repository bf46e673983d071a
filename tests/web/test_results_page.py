"""Results per round: the ranking and its files, each download audited (the jury's review
on this page: test_jury_page.py)."""

from __future__ import annotations

import io
import zipfile

import openpyxl

from bot.app import App
from bot.clock import ManualClock
from tests.results_round import close_with_four
from tests.support.client import Person
from tests.web.support import ORGANISER, Browser, link_from_chat


async def test_the_ranking_shows_places_prizes_and_masked_phones(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    await close_with_four(app, clock)
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/ket-qua/2023-Q1")
    text = browser.text
    assert "Đợt thi đã đóng: 4 người trong bảng xếp hạng, số người tham gia chốt là 4." in text
    # Answered by the test at machine speed: every entry carries the speed flag.
    assert "1 ⚠ Bị gắn cờ: Nguyễn Văn An *******678 Hoa Lư Người dân 9 4" in text
    assert "Giải Nhất" in text
    assert "0912345678" not in browser.last
    assert text.index("Nguyễn Văn An") < text.index("Lê Văn Cường") < text.index("Phạm Thị Dung")


async def test_the_workbooks_download_public_masked_and_internal_full(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    await close_with_four(app, clock)
    await browser.sign_in(await link_from_chat(organiser))
    cells = {}
    for kind in ("cong-bo", "noi-bo"):
        async with browser.client.get(f"/quan-tri/ket-qua/2023-Q1/{kind}.xlsx") as resp:
            assert resp.status == 200
            assert f'filename="ket-qua-2023-Q1-{kind}.xlsx"' in resp.headers["Content-Disposition"]
            book = openpyxl.load_workbook(io.BytesIO(await resp.read()))
        cells[kind] = " ".join(str(c) for row in book["Xếp hạng"].values for c in row)
    assert "*******678" in cells["cong-bo"]
    assert "0912345678" not in cells["cong-bo"]
    assert "0912345678" in cells["noi-bo"]
    downloads = [e for e in await app.svc.audit.recent(10) if e.action == "results.download"]
    assert [(e.actor, e.detail["full_phones"]) for e in downloads] == [
        (ORGANISER, True),
        (ORGANISER, False),
    ]


async def test_an_approved_rounds_certificates_come_as_one_zip(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    results = await close_with_four(app, clock)
    await browser.sign_in(await link_from_chat(organiser))
    async with browser.client.get("/quan-tri/ket-qua/2023-Q1/giay-chung-nhan.zip") as resp:
        assert resp.status == 200
        names = zipfile.ZipFile(io.BytesIO(await resp.read())).namelist()
    assert len(names) == len(results.awards)
    assert names[0] == "01-giai-nhat-nguyen-van-an.pdf"
    assert (await app.svc.audit.recent(1))[0].action == "certificates.download"


async def test_an_open_round_has_a_provisional_ranking_and_no_certificates(
    app: App, organiser: Person, browser: Browser, person: Person
) -> None:
    await person.register()
    await person.take_attempt(correct=6, prediction=2)
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/ket-qua/2023-Q1")
    assert "Đợt thi đang diễn ra: xếp hạng tạm thời theo 1 bài đã nộp" in browser.text
    assert "giay-chung-nhan.zip" not in browser.last
    await browser.get("/quan-tri/ket-qua/2023-Q1/giay-chung-nhan.zip")
    assert browser.status == 409
    await browser.get("/quan-tri/ket-qua/2023-Q2")
    assert browser.status == 404
