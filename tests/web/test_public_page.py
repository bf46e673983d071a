"""The contest's page for residents: what it is, the rules, the rounds, how to join."""

from __future__ import annotations

from bot.app import App
from bot.web import Site
from bot.web.site import CSP
from handlers.info import rules_text
from handlers.texts import plain
from tests.support.client import Person
from tests.web.support import Browser, visible


async def test_the_page_says_what_the_contest_is_and_who_may_take_part(
    app: App, browser: Browser
) -> None:
    await browser.get("/")
    c = app.contest.contest
    assert browser.status == 200
    assert c.title in browser.text
    assert c.organiser in browser.text
    assert " ".join(c.eligibility.split()) in browser.text


async def test_the_rules_are_those_the_bot_gives_for_thele(app: App, browser: Browser) -> None:
    await browser.get("/")
    for line in plain(rules_text(app.svc)).splitlines():
        if line.strip():
            assert " ".join(line.split()) in browser.text, line


async def test_the_schedule_shows_each_round_status_and_participants(
    app: App, browser: Browser, person: Person
) -> None:
    await person.register()
    await person.take_attempt(correct=5, prediction=10)
    await browser.get("/")
    assert "Quý 1 Từ 00:00 ngày 15/02/2023 đến 23:59 ngày 30/03/2023 Đang diễn ra 1" in browser.text
    assert "Quý 2 Từ 00:00 ngày 01/04/2023 đến 23:59 ngày 30/06/2023 Sắp diễn ra 0" in browser.text


async def test_the_join_buttons_lead_to_the_bots(browser: Browser) -> None:
    page = await browser.get("/")
    assert 'href="https://t.me/quiz_bot?start=web">Thi trên Telegram</a>' in page
    assert 'href="https://zalo.me/1234567890">Thi trên Zalo</a>' in page
    assert '<img class="qr" src="/qr/telegram.svg"' in page
    assert '<img class="qr" src="/qr/zalo.svg"' in page


async def test_without_a_running_bot_the_page_says_joining_opens_soon(
    site: Site, browser: Browser
) -> None:
    site.links.telegram_username = ""
    site.links.zalo = ""
    await browser.get("/")
    assert "Ban Tổ chức sẽ sớm công bố cách tham gia." in browser.text
    await browser.get("/qr/telegram.svg")
    assert browser.status == 404


async def test_the_qr_codes_and_banner_are_svg_made_here(browser: Browser) -> None:
    for path in ["/qr/telegram.svg", "/qr/zalo.svg", "/qr/trang.svg", "/banner.svg"]:
        async with browser.client.get(path) as resp:
            assert resp.status == 200, path
            assert resp.content_type == "image/svg+xml"
            body = await resp.text()
        assert body.lstrip().startswith("<?xml")
        assert "http" not in body.split("<svg", 1)[1].replace("http://www.w3.org", ""), path


async def test_the_embeddable_snippet_points_at_the_public_address(
    app: App, browser: Browser
) -> None:
    await browser.get("/")
    snippet = (
        '<a href="http://quiz.example.gov.vn/"><img src="http://quiz.example.gov.vn/banner.svg"'
        ' width="600" height="200" alt="'
        f'{app.contest.contest.title} — bấm hoặc quét mã QR để tham gia"></a>'
    )
    assert snippet in browser.text  # shown as text to copy, not as markup


async def test_every_answer_carries_a_strict_content_security_policy(browser: Browser) -> None:
    for path in ["/", "/healthz", "/khong-co", "/quan-tri", "/banner.svg"]:
        await browser.get(path)
        assert browser.headers["Content-Security-Policy"] == CSP, path
        assert browser.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self';" in CSP
    assert "unsafe-inline" not in CSP


async def test_pages_load_nothing_from_elsewhere(browser: Browser) -> None:
    page = await browser.get("/")
    for attribute in ("src=", "href="):
        for value in page.split(attribute)[1:]:
            target = value[1:].split(value[0], 1)[0]
            if target.startswith("http"):
                # Only links people follow, and the snippet they copy, go elsewhere.
                assert target.startswith(("https://t.me/", "https://zalo.me/")), target
    assert "<script>" not in page
    assert " style=" not in page


async def test_an_unknown_address_gets_a_page_in_vietnamese(browser: Browser) -> None:
    await browser.get("/khong-co-trang-nay")
    assert browser.status == 404
    assert "Không tìm thấy trang" in browser.text


def test_visible_text_drops_tags() -> None:
    assert visible("<body><p>Xin <b>chào</b></p></body>") == "Xin chào"
