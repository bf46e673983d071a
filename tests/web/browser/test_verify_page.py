"""Someone handed a certificate scans its QR code with a phone and checks it; then types a
made-up code and opens a revoked one. In Chromium, at phone width."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, expect

from bot.app import App
from bot.clock import ManualClock
from bot.web import Site
from handlers import verification
from handlers.verification import certificates_with_codes
from tests.support.printed import read_page
from tests.verification_round import close_with_winners
from tests.web.browser.pages import Visit


@pytest.fixture
async def server(site: Site) -> AsyncIterator[str]:
    """The site on a local port, as a browser reaches it."""
    async with TestServer(site.application(), host="127.0.0.1") as srv:
        site.public_url = str(srv.make_url("")).rstrip("/")
        yield site.public_url


async def test_a_certificates_qr_code_opens_a_page_that_confirms_it(
    app: App, clock: ManualClock, chromium: Browser, server: str
) -> None:
    results = await close_with_winners(app, clock)
    first, second, _ = await certificates_with_codes(app.svc, results, base_url=server)
    # The QR code as a phone's camera reads it off the printed page.
    [(address, _)] = read_page(first.data, "browser-first-prize").qr
    [(revoked_address, _)] = read_page(second.data, "browser-second-prize").qr
    await verification.revoke(
        app.svc, revoked_address.rsplit("/", 1)[1], "Vi phạm thể lệ", actor="bgk"
    )

    visit = await Visit.open(chromium, "xac-minh", phone=True)
    page = visit.page
    await page.goto(address)
    await expect(page.get_by_role("heading", level=2)).to_have_text("Giấy chứng nhận hợp lệ")
    facts = page.locator("dl.facts")
    await expect(facts.locator("dt")).to_have_text(
        [
            "Mã xác minh",
            "Người nhận",
            "Đơn vị, địa phương",
            "Giải",
            "Đợt thi",
            "Cuộc thi",
            "Ngày cấp",
        ]
    )
    await expect(facts.locator("dd")).to_have_text(
        [
            address.rsplit("/", 1)[1],
            "Nguyễn Thị Ánh Tuyết",
            "Sở Tư pháp, Hoa Lư",
            "Giải Nhất",
            "Quý 1 (từ ngày 15/02/2023 đến ngày 30/03/2023)",
            "Cuộc thi trắc nghiệm tìm hiểu về Chuyển đổi số trên mạng internet năm 2023",
            "30/03/2023",
        ]
    )
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await visit.check("hop le")

    await page.get_by_label("Mã xác minh").fill("k7p3 9qxm")
    await page.get_by_role("button", name="Kiểm tra").click()
    await expect(page).to_have_url(f"{server}/xac-minh/K7P3-9QXM")
    await expect(page.get_by_role("heading", level=2)).to_have_text("Mã không hợp lệ")
    await expect(
        page.get_by_text("Không có giấy chứng nhận nào mang mã “K7P3-9QXM”.")
    ).to_be_visible()
    await visit.check("khong hop le")

    await page.goto(revoked_address)
    await expect(page.get_by_role("heading", level=2)).to_have_text("Giấy chứng nhận đã bị thu hồi")
    main = await page.locator("main").inner_text()
    assert "Đặng Văn Lực" not in main
    assert "Vi phạm" not in main
    await visit.check("da thu hoi")

    # From any page's footer to the form, and a code typed loosely finds its certificate.
    await page.get_by_role("link", name="Xác minh giấy chứng nhận").click()
    await expect(page).to_have_url(f"{server}/xac-minh")
    await page.get_by_label("Mã xác minh").fill(address.rsplit("/", 1)[1].lower().replace("-", ""))
    await page.get_by_label("Mã xác minh").press("Enter")
    await expect(page.get_by_role("heading", level=2)).to_have_text("Giấy chứng nhận hợp lệ")
    await expect(page.locator("dd.holder")).to_have_text("Nguyễn Thị Ánh Tuyết")
    await visit.check("nhap ma")
