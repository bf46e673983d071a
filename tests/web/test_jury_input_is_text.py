"""What the jury types and what participants typed stays text wherever it is shown: a reason
for setting an entry aside holding a formula, page markup, Telegram markup and line breaks,
and a participant's name holding markup, read as typed on the dashboard, in /admin and in the
internal workbook — never a tag, a link or a formula."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from sqlalchemy import text

from bot.app import App
from bot.clock import ManualClock
from handlers import admin_jury
from handlers.events import User
from handlers.rounds import close_round
from tests.conftest import vn
from tests.jury.planted import plant
from tests.support.client import Person
from tests.web.support import Browser, link_from_chat

PAGE = "/quan-tri/ket-qua/2023-Q1"
NAME = '<script src="/x.js"></script><b>Máy</b> =1+1'
REASON = '=HYPERLINK("http://x.example","<b>bấm</b>")\n<script>alert(1)</script> <a href="http://x">x</a>'


async def test_a_reason_and_a_name_with_markup_and_formulas_read_as_typed(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    planted = await plant(app, clock)
    bot = planted.ids["bot"]
    async with app.db.engine.begin() as c:
        await c.execute(
            text("UPDATE participants SET full_name = :n WHERE id = :i"), {"n": NAME, "i": bot}
        )
    clock.set(vn(2023, 3, 31, 9, 0))
    await close_round(app.svc, "2023-Q1", actor="scheduler")

    await browser.sign_in(await link_from_chat(organiser))
    await browser.get(f"{PAGE}/de-rieng/{bot}")
    assert "<script" not in browser.last.split("<body", 1)[1]
    await browser.post(f"{PAGE}/de-rieng/{bot}", {"reason": REASON})
    assert browser.status == 200
    page = browser.last.split("<body", 1)[1]
    assert "<script" not in page
    assert "<b>" not in page
    assert 'href="http://x' not in page
    one_line = " ".join(REASON.split())
    assert one_line in browser.text
    assert NAME in browser.text

    stored = (await app.svc.review.set_aside("2023-Q1"))[bot]
    assert stored.reason == one_line

    # /admin's review: the same texts, escaped for Telegram's HTML.
    said = await admin_jury.page(app.svc, User("telegram", "9000", "BTC"), "2023-Q1", 1)
    assert "<script" not in said.text
    assert "&lt;b&gt;bấm&lt;/b&gt;" in said.text
    assert "&lt;b&gt;Máy&lt;/b&gt;" in said.text

    # The internal workbook: a text cell, never a formula.
    async with browser.client.get(f"{PAGE}/noi-bo.xlsx") as resp:
        assert resp.status == 200
        book = load_workbook(io.BytesIO(await resp.read()))
    cells = [c for ws in book.worksheets for r in ws.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert any(c.value == NAME for c in cells)


async def test_a_number_in_the_address_that_is_not_ascii_digits_is_ignored(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    # "²" passes str.isdigit() but int() rejects it: the page shows, without a notice.
    await plant(app, clock)
    clock.set(vn(2023, 3, 31, 9, 0))
    await close_round(app.svc, "2023-Q1", actor="scheduler")
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get(f"{PAGE}?xong=de-rieng&bai=²")
    assert browser.status == 200
    assert "Kết quả tạm thời (chờ phê duyệt)" in browser.text
    await browser.get(f"{PAGE}?xong=de-rieng&bai={'1' * 5000}")
    assert browser.status == 200
    for page in ("²", "1" * 5000):
        await browser.get(f"/quan-tri/cau-hoi?trang={page}")
        assert browser.status == 200
