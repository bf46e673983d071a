"""The jury's sign-off in Chromium: an organiser signs in with the one-time link from chat,
opens the closed round, finds the flagged entries, sets the bot-speed winner aside with a
reason and sees the prizes move down, approves behind the confirmation; then a resident finds
the approved winners on /ket-qua from the home page, and a certificate's QR code opens a
valid verification page."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, expect

from bot.app import App
from bot.clock import ManualClock
from bot.web import Site
from tests.support.client import Person
from tests.support.printed import read_page
from tests.web.browser.pages import Visit
from tests.web.support import link_from_chat
from tests.web.test_jury_page import SPEED, closed_with_cheaters


@pytest.fixture
async def server(app: App, site: Site) -> AsyncIterator[str]:
    """The site on a local port; the links the bot gives point to it."""
    async with TestServer(site.application(), host="127.0.0.1") as srv:
        site.public_url = str(srv.make_url("")).rstrip("/")
        app.svc.public_url = site.public_url
        yield site.public_url


async def test_the_jury_sets_the_cheater_aside_approves_and_the_winners_go_public(
    app: App, clock: ManualClock, organiser: Person, chromium: Browser, server: str
) -> None:
    await closed_with_cheaters(app, clock)
    link = await link_from_chat(organiser)
    assert link.startswith(server + "/quan-tri/dang-nhap/")

    visit = await Visit.open(chromium, "ban-giam-khao")
    page = visit.page
    await page.goto(link)
    await page.get_by_role("button", name="Đăng nhập").click()
    await expect(page.get_by_role("heading", name="Tổng quan", level=1)).to_be_visible()

    # The closed round: provisional, four entries flagged, the bot first with its flag.
    await page.get_by_role("navigation").get_by_role("link", name="Kết quả").click()
    await expect(page.get_by_role("listitem")).to_contain_text(
        ["Quý 1 — Đã kết thúc · tạm thời (chờ phê duyệt)"]
    )
    await page.get_by_role("link", name="Quý 1").click()
    await expect(
        page.get_by_role("heading", level=2, name="Kết quả tạm thời (chờ phê duyệt)")
    ).to_be_visible()
    await expect(page.get_by_text("Giải: 4 · Bài bị gắn cờ: 4 · Đã để riêng: 0")).to_be_visible()
    bot = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Lý Văn Máy"))
    await expect(bot).to_contain_text(SPEED)
    await expect(bot.locator("td.prize-name")).to_have_text("Giải Nhất")
    await visit.check("ket qua tam thoi")

    await page.get_by_role("link", name="Chỉ bài bị gắn cờ (4)").click()
    await expect(page.locator("tbody tr th")).to_have_text(
        [
            "⚠Bị gắn cờ: Lý Văn Máy",
            "⚠Bị gắn cờ: Trịnh Văn Giả",
            "⚠Bị gắn cờ: Phan Văn Hùng",
            "⚠Bị gắn cờ: Vũ Văn Sửa Đổi",
        ]
    )
    await visit.check("chi bai bi gan co")

    # Set aside: the reason is required (the browser will not send the form without one).
    await page.get_by_role("link", name="Để riêng bài của Lý Văn Máy").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text(
        "Để riêng bài của Lý Văn Máy (hạng 1)"
    )
    await visit.check("de rieng")
    reason = page.get_by_label("Lý do để riêng (bắt buộc, tối đa 300 ký tự)")
    assert await reason.evaluate("e => e.required")
    await reason.fill("Trả lời 0,4 giây mỗi câu: máy")
    await page.get_by_role("button", name="Để riêng bài này").click()
    await expect(page.get_by_role("status")).to_have_text(
        "Đã để riêng bài của Lý Văn Máy (hạng 1). Giải được xét lại theo thứ hạng."
    )
    await expect(bot.locator("td.prize-name")).to_have_text("")
    await expect(bot).to_contain_text("Đã để riêng: Trả lời 0,4 giây mỗi câu: máy")
    prizes = page.locator("tbody tr.prize")
    await expect(prizes.locator("th")).to_have_text(
        ["⚠Bị gắn cờ: Phan Văn Hùng", "⚠Bị gắn cờ: Vũ Văn Sửa Đổi", "Ngô Văn Hải", "Bùi Thị Hoa"]
    )
    await expect(prizes.locator("td.prize-name")).to_have_text(
        ["Giải Nhất", "Giải Nhì", "Giải Ba", "Giải Ba"]
    )
    await visit.check("da de rieng")

    # Approve, confirming first.
    await page.get_by_role("link", name="Phê duyệt kết quả").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Phê duyệt kết quả Quý 1?")
    await expect(page.locator("ul.winners li")).to_have_text(
        [
            "Giải Nhất: Phan Văn Hùng (Hoa Lư)",
            "Giải Nhì: Vũ Văn Sửa Đổi (Hoa Lư)",
            "Giải Ba: Ngô Văn Hải (Hoa Lư)",
            "Giải Ba: Bùi Thị Hoa (Hoa Lư)",
        ]
    )
    await visit.check("xac nhan phe duyet")
    await page.get_by_role("button", name="Phê duyệt và công bố").click()
    await expect(page.get_by_role("status")).to_contain_text("Đã phê duyệt kết quả Quý 1.")
    approved = page.get_by_role("heading", level=2, name="Kết quả đã phê duyệt bởi")
    await expect(approved).to_have_text(
        "Kết quả đã phê duyệt bởi telegram:9001 lúc 09:00 ngày 31/03/2023"
    )
    await expect(page.get_by_role("link", name="Để riêng bài của Phan Văn Hùng")).to_have_count(0)
    await expect(page.get_by_role("button", name="Khôi phục bài của Lý Văn Máy")).to_have_count(0)
    await visit.check("da phe duyet")

    # The certificates, now offered: the first prize's QR code.
    async with page.expect_download() as downloading:
        await page.get_by_role("link", name="Giấy chứng nhận của người đạt giải (.zip)").click()
    download = await downloading.value
    zipped = zipfile.ZipFile(io.BytesIO((await download.path()).read_bytes()))
    [(address, _)] = read_page(zipped.read(zipped.namelist()[0]), "browser-jury-first").qr

    # A resident on a phone: the home page's schedule links to the winners.
    resident = await Visit.open(chromium, "ket-qua-cong-khai", phone=True)
    home = resident.page
    await home.goto(server + "/")
    await home.get_by_role("link", name="Xem người đạt giải Quý 1").click()
    await expect(home).to_have_url(server + "/ket-qua/2023-Q1")
    await expect(home.get_by_role("heading", level=1)).to_have_text("Kết quả Quý 1")
    await expect(home.locator("table.winners tbody tr")).to_have_text(
        [
            "Giải NhấtPhan V. H.Hoa LưNgười dân",
            "Giải NhìVũ V. S. Đ.Hoa LưNgười dân",
            "Giải BaNgô V. H.Hoa LưNgười dân",
            "Giải BaBùi T. H.Hoa LưNgười dân",
        ]
    )
    assert await home.evaluate("document.documentElement.scrollWidth") <= 390
    await resident.check("nguoi dat giai")

    # The certificate's QR code, scanned with the phone.
    await home.goto(address)
    await expect(home.get_by_role("heading", level=2)).to_have_text("Giấy chứng nhận hợp lệ")
    await expect(home.locator("dd.holder")).to_have_text("Phan Văn Hùng")
    await resident.check("xac minh giay chung nhan")
