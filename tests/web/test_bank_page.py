"""The question bank from the dashboard: errors by row and nothing imported, or a preview and
a confirmation before the active bank is replaced."""

from __future__ import annotations

import io

import openpyxl
from aiohttp import FormData

from bot.app import App
from tests.support.client import Person
from tests.web.bank_files import bank_csv
from tests.web.support import ORGANISER, Browser, link_from_chat


def upload(browser: Browser, name: str, data: bytes) -> FormData:
    form = FormData()
    form.add_field("csrf", browser.csrf())
    form.add_field("file", data, filename=name, content_type="text/csv")
    return form


async def test_a_bad_file_lists_its_errors_by_row_and_imports_nothing(
    app: App, organiser: Person, browser: Browser
) -> None:
    before = await app.svc.questions.active_bank()
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/cau-hoi")
    await browser.post(
        "/quan-tri/cau-hoi/tai-len", upload(browser, "loi.csv", bank_csv(12, broken=(3, 7)))
    )
    assert browser.status == 200
    assert "Tệp có 2 lỗi, chưa nhập câu nào." in browser.text
    assert "dòng 4" in browser.text
    assert "dòng 8" in browser.text
    assert "Thay ngân hàng câu hỏi" not in browser.text
    assert await app.svc.questions.active_bank() == before
    assert await app.svc.store.take_upload(ORGANISER) is None


async def test_a_good_file_is_previewed_and_replaces_the_bank_only_when_confirmed(
    app: App, organiser: Person, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/cau-hoi")
    await browser.post("/quan-tri/cau-hoi/tai-len", upload(browser, "quy-2.csv", bank_csv(12)))
    assert browser.status == 200
    assert "Tệp hợp lệ: 12 câu hỏi. Ngân hàng đang dùng có 100 câu." in browser.text
    assert "Câu hỏi số 1 về chuyển đổi số? Một 1 Hai 1 đáp án đúng Ba 1 Bốn 1" in browser.text
    assert (await app.svc.questions.active_bank())[1] == 100  # type: ignore[index]
    await browser.post("/quan-tri/cau-hoi/thay", {})
    assert "Đã nhập 12 câu từ tệp quy-2.csv." in browser.text
    assert (await app.svc.questions.active_bank())[:2] == ("quy-2", 12)  # type: ignore[index]
    entry = (await app.svc.audit.recent(1))[0]
    assert (entry.actor, entry.action, entry.detail["count"]) == (ORGANISER, "questions.import", 12)
    # Pressing the button again (a double tap, a reload) imports nothing more.
    await browser.post("/quan-tri/cau-hoi/thay", {})
    assert browser.status == 409
    assert "Không có tệp chờ xác nhận" in browser.text
    assert (await app.svc.questions.active_bank())[:2] == ("quy-2", 12)  # type: ignore[index]


async def test_a_file_with_too_few_questions_cannot_become_the_bank(
    app: App, organiser: Person, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/cau-hoi")
    await browser.post("/quan-tri/cau-hoi/tai-len", upload(browser, "it.csv", bank_csv(4)))
    assert browser.status == 200
    assert "Tệp chỉ có 4 câu hỏi, cần ít nhất 10 câu" in browser.text
    assert await app.svc.store.take_upload(ORGANISER) is None


async def test_the_active_bank_is_listed_page_by_page(organiser: Person, browser: Browser) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/cau-hoi")
    assert "chuyen-doi-so-2023: 100 câu hỏi." in browser.text
    assert browser.last.count('<li value="') == 50
    await browser.get("/quan-tri/cau-hoi?trang=2")
    assert '<li value="51">' in browser.last
    assert '<li value="100">' in browser.last


async def test_the_template_downloads_as_an_excel_file_with_the_headers(
    organiser: Person, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    async with browser.client.get("/quan-tri/cau-hoi/mau.xlsx") as resp:
        assert resp.status == 200
        data = await resp.read()
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    headers = [c.value for c in sheet[1]]
    assert headers[:5] == ["Câu hỏi", "Đáp án A", "Đáp án B", "Đáp án C", "Đáp án D"]
    assert "Đáp án đúng" in headers
