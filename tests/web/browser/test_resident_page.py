"""A resident opens the contest's page on a phone and finds how to join."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, expect

from bot.web import Site
from tests.web.browser.pages import Visit, decode_qr


@pytest.fixture
async def server(site: Site) -> AsyncIterator[str]:
    """The site on a local port, as a browser reaches it."""
    async with TestServer(site.application(), host="127.0.0.1") as srv:
        site.public_url = str(srv.make_url("")).rstrip("/")
        yield site.public_url


async def test_a_resident_on_a_phone_sees_the_join_buttons_and_a_qr_of_the_bot(
    chromium: Browser, server: str
) -> None:
    visit = await Visit.open(chromium, "cu-dan", phone=True)
    page = visit.page
    await page.goto(server + "/")
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Chuyển đổi số")
    telegram = page.get_by_role("link", name="Thi trên Telegram")
    await expect(telegram).to_be_visible()
    await expect(telegram).to_have_attribute("href", "https://t.me/quiz_bot?start=web")
    await expect(page.get_by_role("link", name="Thi trên Zalo")).to_be_visible()
    qr = page.get_by_role("img", name="Mã QR mở bot cuộc thi trên Telegram")
    await qr.scroll_into_view_if_needed()
    await expect(qr).to_be_visible()
    assert await decode_qr(qr) == ["https://t.me/quiz_bot?start=web"]
    assert await decode_qr(page.get_by_role("img", name="Mã QR mở bot cuộc thi trên Zalo")) == [
        "https://zalo.me/1234567890"
    ]
    # The page fits the phone: nothing wider than the screen.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await expect(page.get_by_label("Mã HTML để gắn biểu ngữ")).to_have_value(
        f'<a href="{server}/"><img src="{server}/banner.svg" width="600" height="200" '
        'alt="Cuộc thi trắc nghiệm tìm hiểu về Chuyển đổi số trên mạng internet năm 2023 — '
        'bấm hoặc quét mã QR để tham gia"></a>'
    )
    banner = page.get_by_role("img", name=re.compile("— bấm hoặc quét mã QR để tham gia$"))
    assert await decode_qr(banner) == [server + "/"]
    await visit.check("trang cuoc thi")
