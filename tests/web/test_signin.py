"""Organisers sign in with the one-time link /admin gives; nobody else gets in."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from bot.web import Site
from bot.web.site import COOKIE, set_session_cookie
from handlers import websignin
from tests.support.client import Person
from tests.web.support import ORGANISER, Browser, link_from_chat

SIGNED_OUT = "Cần đăng nhập"
BAD_LINK = "Liên kết không dùng được"


async def test_an_organiser_signs_in_with_the_link_from_admin(
    organiser: Person, app: App, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    assert browser.status == 200
    assert "Tổng quan" in browser.text
    assert "Đăng xuất" in browser.text
    entries = await app.svc.audit.recent(5)
    assert [(e.actor, e.action) for e in entries[:2]] == [
        (ORGANISER, "web.signin"),
        (ORGANISER, "web.link"),
    ]


async def test_the_link_says_how_long_it_lasts_and_uses_the_public_address(
    organiser: Person, app: App
) -> None:
    app.svc.public_url = "https://thi.example.gov.vn"
    person = organiser
    link = await link_from_chat(person)
    assert link.startswith("https://thi.example.gov.vn/quan-tri/dang-nhap/")
    assert "chỉ dùng được một lần, trong 5 phút" in person.said


async def test_the_session_cookie_is_http_only_and_same_site_strict(
    organiser: Person, app: App, browser: Browser
) -> None:
    link = await link_from_chat(organiser)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    await browser.get(path)
    async with browser.client.post(path, allow_redirects=False) as resp:
        assert resp.status == 303
        cookie = resp.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Secure" not in cookie  # the site is reached over plain HTTP here


def test_the_cookie_is_secure_when_the_public_address_is_https(site: Site) -> None:
    from aiohttp import web

    site.public_url = "https://thi.example.gov.vn"
    response = web.Response()
    set_session_cookie(site, response, "v", 60)
    assert "Secure" in str(response.cookies[COOKIE])


async def test_a_link_used_twice_opens_nothing_the_second_time(
    organiser: Person, app: App, browser: Browser
) -> None:
    link = await link_from_chat(organiser)
    await browser.sign_in(link)
    browser.client.session.cookie_jar.clear()
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    await browser.get(path)
    assert browser.status == 403
    assert BAD_LINK in browser.text
    await browser.post(path, {}, csrf=False)
    assert browser.status == 403
    await browser.get("/quan-tri")
    assert browser.status == 401


async def test_an_expired_link_opens_nothing(
    organiser: Person, app: App, clock: ManualClock, browser: Browser
) -> None:
    link = await link_from_chat(organiser)
    clock.advance(minutes=5, seconds=1)
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    await browser.post(path, {}, csrf=False)
    assert browser.status == 403
    assert BAD_LINK in browser.text
    await browser.get("/quan-tri")
    assert browser.status == 401


async def test_a_forged_link_opens_nothing(app: App, browser: Browser) -> None:
    for token in ["A" * 43, "nonsense", "A" * 44]:
        await browser.post(f"/quan-tri/dang-nhap/{token}", {}, csrf=False)
        assert browser.status in (403, 404), token
        await browser.get("/quan-tri")
        assert browser.status == 401


async def test_a_participant_gets_no_link(app: App, person: Person) -> None:
    await person.send("/admin")
    assert "Mở trang quản trị" not in person.said
    await person.tap_token(websignin.TOKEN)
    assert person.notices() == ["Nút này không còn hiệu lực."]
    keys = await app.svc.store.redis.keys("*weblink*")
    assert keys == []


async def test_a_link_made_out_to_a_participant_is_refused(
    app: App, site: Site, browser: Browser
) -> None:
    token = await site.sessions.issue_link("telegram:1001", app.svc.now_ms())
    await browser.get(f"/quan-tri/dang-nhap/{token}")
    assert browser.status == 403
    await browser.post(f"/quan-tri/dang-nhap/{token}", {}, csrf=False)
    assert browser.status == 403
    await browser.get("/quan-tri")
    assert browser.status == 401
    assert (await app.svc.audit.recent(1))[0].action == "web.signin_refused"


async def test_the_dashboard_without_a_session_says_how_to_sign_in(browser: Browser) -> None:
    for path in ["/quan-tri", "/quan-tri/thong-bao", "/quan-tri/ket-qua/2023-Q1/noi-bo.xlsx"]:
        await browser.get(path)
        assert browser.status == 401, path
        assert SIGNED_OUT in browser.text
        assert "Mở trang quản trị" in browser.text


async def test_a_session_expires(
    organiser: Person, app: App, clock: ManualClock, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    clock.advance(hours=7, minutes=59)
    await browser.get("/quan-tri")
    assert browser.status == 200
    clock.advance(minutes=1)
    await browser.get("/quan-tri")
    assert browser.status == 401


async def test_signing_out_ends_the_session_for_good(
    organiser: Person, app: App, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    cookie = browser.client.session.cookie_jar.filter_cookies(browser.client.make_url("/"))[
        COOKIE
    ].value
    await browser.post("/quan-tri/dang-xuat", {})
    assert "Bạn đã đăng xuất" in browser.text
    assert (await app.svc.audit.recent(1))[0].action == "web.signout"
    # The old cookie, replayed, opens nothing.
    async with browser.client.get("/quan-tri", cookies={COOKIE: cookie}) as resp:
        assert resp.status == 401


async def test_an_organiser_no_longer_listed_loses_the_dashboard(
    organiser: Person, app: App, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    app.svc.admins = frozenset()
    await browser.get("/quan-tri")
    assert browser.status == 401
