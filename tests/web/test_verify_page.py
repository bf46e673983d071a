"""Anyone checks a certificate on the web: the address its QR code opens shows the holder, the
prize, the round and the day of issue; a made-up code is "Mã không hợp lệ"; a revoked one
says so with nothing about its holder; looking up codes in bulk is cut short."""

from __future__ import annotations

import io
import zipfile

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.app import App
from bot.clock import ManualClock
from bot.config import DEFAULT_TRUSTED_PROXIES, Settings
from bot.web import Site
from bot.web.site import networks
from handlers import verification
from handlers.jury import actions as jury
from handlers.rounds import RoundResults, round_results
from handlers.verification import certificates_with_codes
from tests.support.client import Person
from tests.support.printed import read_page
from tests.verification_round import close_with_winners, printed_code
from tests.web.support import Browser, link_from_chat, visible

FORM = "Mã xác minh Kiểm tra"


@pytest.fixture
async def codes(app: App, clock: ManualClock, site: Site) -> list[str]:
    """The codes of round 2023-Q1's three certificates, in prize order."""
    results = await close_with_winners(app, clock)
    made = await certificates_with_codes(app.svc, results, base_url=site.public_url)
    return [printed_code(cert.data) for cert in made]


def page_text(browser: Browser) -> str:
    """The text of the page's main part (between the header and the footer), as read."""
    main = browser.last.split("<main", 1)[1].split("</main>", 1)[0]
    return visible(main.split(">", 1)[1])


async def test_the_address_on_a_certificate_shows_what_it_certifies(
    browser: Browser, codes: list[str]
) -> None:
    await browser.get(f"/xac-minh/{codes[0]}")

    assert browser.status == 200
    assert page_text(browser) == (
        "Xác minh giấy chứng nhận Giấy chứng nhận hợp lệ "
        f"Mã xác minh {codes[0]} "
        "Người nhận Nguyễn Thị Ánh Tuyết "
        "Đơn vị, địa phương Sở Tư pháp, Hoa Lư "
        "Giải Giải Nhất "
        "Đợt thi Quý 1 (từ ngày 15/02/2023 đến ngày 30/03/2023) "
        "Cuộc thi Cuộc thi trắc nghiệm tìm hiểu về Chuyển đổi số trên mạng internet năm 2023 "
        f"Ngày cấp 30/03/2023 {FORM}"
    )
    assert browser.headers["Cache-Control"] == "no-store"
    assert browser.headers["X-Robots-Tag"] == "noindex"
    assert "default-src 'none'" in browser.headers["Content-Security-Policy"]


async def test_a_code_typed_loosely_in_the_form_opens_its_address(
    browser: Browser, codes: list[str]
) -> None:
    typed = codes[1].lower().replace("-", " ")

    async with browser.client.get("/xac-minh", params={"ma": typed}, allow_redirects=False) as r:
        assert r.status == 303
        assert r.headers["Location"] == f"/xac-minh/{codes[1]}"
    await browser.get(f"/xac-minh?ma={typed}")

    assert "Người nhận Đặng Văn Lực Đơn vị, địa phương Kim Sơn Giải Giải Nhì" in browser.text


@pytest.mark.parametrize(
    ("path", "shown"),
    [("/xac-minh/K7P3-9QXM", "K7P3-9QXM"), ("/xac-minh?ma=abc<b>x", "abc<b>x")],
)
async def test_a_made_up_code_is_not_valid(
    browser: Browser, codes: list[str], path: str, shown: str
) -> None:
    await browser.get(path)

    assert browser.status == 200
    assert page_text(browser) == (
        "Xác minh giấy chứng nhận Mã không hợp lệ "
        f"Không có giấy chứng nhận nào mang mã “{shown}”. "
        "Bạn kiểm tra lại mã in dưới mã QR trên giấy chứng nhận: 8 ký tự gồm chữ và số, "
        f"ví dụ K7P3-9QXM. {FORM}"
    )
    assert "<b>x" not in browser.last  # escaped


async def test_a_revoked_certificate_says_so_and_nothing_about_its_holder(
    app: App, browser: Browser, codes: list[str]
) -> None:
    await verification.revoke(app.svc, codes[2], "Trương Ngọc Ẩn nhờ người thi hộ", actor="bgk")

    await browser.get(f"/xac-minh/{codes[2]}")

    assert page_text(browser) == (
        "Xác minh giấy chứng nhận Giấy chứng nhận đã bị thu hồi "
        f"Giấy chứng nhận mang mã {codes[2]} đã bị thu hồi và không còn giá trị. {FORM}"
    )
    for personal in ("Trương", "Ẩn", "Yên Mô", "Giải Nhì", "thi hộ"):
        assert personal not in browser.last


async def test_the_form_page_explains_where_the_code_is(browser: Browser) -> None:
    await browser.get("/xac-minh")

    assert page_text(browser) == (
        "Xác minh giấy chứng nhận Nhập mã xác minh in dưới mã QR trên giấy chứng nhận "
        "(8 ký tự, ví dụ K7P3-9QXM) để biết giấy có hợp lệ hay không. " + FORM
    )


async def test_looking_up_codes_in_bulk_from_one_address_is_cut_short(
    client: TestClient[object, object], codes: list[str]
) -> None:
    behind_proxy = {"X-Forwarded-For": "203.0.113.7"}
    for i in range(20):
        async with client.get(f"/xac-minh/AAAA-{i:04d}", headers=behind_proxy) as r:
            assert r.status == 200

    async with client.get(f"/xac-minh/{codes[0]}", headers=behind_proxy) as r:
        refused = r.status, " ".join((await r.text()).split()), r.headers.get("Retry-After")
    async with client.get(
        f"/xac-minh/{codes[0]}", headers={"X-Forwarded-For": "198.51.100.2"}
    ) as r:
        other = r.status, await r.text()

    assert refused[0] == 429
    assert (
        "Bạn đã tra cứu quá nhiều mã trong thời gian ngắn. Vui lòng thử lại sau một phút."
        in (refused[1])
    )
    assert refused[2] == "60"
    assert other[0] == 200
    assert "Nguyễn Thị Ánh Tuyết" in other[1]


async def test_a_client_cannot_pick_its_address_by_sending_the_header_itself(
    client: TestClient[object, object], codes: list[str]
) -> None:
    # The proxy appends the address it saw; what the client wrote before it is not believed.
    for i in range(21):
        spoofed = {"X-Forwarded-For": f"10.0.0.{i}, 203.0.113.9"}
        async with client.get(f"/xac-minh/AAAA-{i:04d}", headers=spoofed) as r:
            status = r.status

    assert status == 429


async def test_the_dashboards_certificates_verify_with_the_same_codes_each_download(
    app: App, clock: ManualClock, organiser: Person, browser: Browser, site: Site
) -> None:
    await close_with_winners(app, clock)
    await jury.approve(app.svc, "2023-Q1", "telegram:9001")  # certificates come after approval
    results: RoundResults = await round_results(app.svc, "2023-Q1")
    await browser.sign_in(await link_from_chat(organiser))
    downloads = []
    for _ in range(2):
        async with browser.client.get("/quan-tri/ket-qua/2023-Q1/giay-chung-nhan.zip") as resp:
            assert resp.status == 200
            downloads.append(zipfile.ZipFile(io.BytesIO(await resp.read())))
    first, again = downloads

    addresses = []
    for name in first.namelist():
        [(url, _)] = read_page(first.read(name), f"zip-{name.removesuffix('.pdf')}").qr
        [(url_again, _)] = read_page(again.read(name), f"zip-again-{name.removesuffix('.pdf')}").qr
        assert url_again == url
        addresses.append(url)
    assert len(addresses) == len(results.awards) == 3
    await browser.get(addresses[0].removeprefix(site.public_url))
    assert "Giấy chứng nhận hợp lệ" in browser.text
    assert "Nguyễn Thị Ánh Tuyết" in browser.text
    issued = await app.svc.audit.recent(action="certificate.issue")
    assert [e.actor for e in issued] == ["telegram:9001"]


async def test_with_redis_down_a_certificate_is_still_checked(
    app: App, browser: Browser, codes: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def unreachable(*args: object, **kwargs: object) -> None:
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(app.svc.store.redis, "pipeline", unreachable)

    await browser.get(f"/xac-minh/{codes[0]}")

    assert browser.status == 200
    assert "Giấy chứng nhận hợp lệ" in browser.text


async def test_an_ipv6_client_cannot_spread_its_lookups_over_its_own_addresses(
    client: TestClient[object, object], codes: list[str]
) -> None:
    # A home or mobile line holds a whole /64 of IPv6 addresses: it counts as one client.
    for i in range(21):
        behind_proxy = {"X-Forwarded-For": f"2001:db8:7:9::{i + 1:x}"}
        async with client.get(f"/xac-minh/AAAA-{i:04d}", headers=behind_proxy) as r:
            status = r.status
    assert status == 429

    other_line = {"X-Forwarded-For": "2001:db8:7:a::1"}
    async with client.get(f"/xac-minh/{codes[0]}", headers=other_line) as r:
        assert r.status == 200


async def test_a_peer_outside_the_trusted_proxies_is_counted_by_its_own_address(
    site: Site, codes: list[str]
) -> None:
    # WEB_TRUSTED_PROXIES=10.0.0.0/8: the test client (127.0.0.1) is not the proxy, so what it
    # writes in X-Forwarded-For is not believed and every lookup counts against 127.0.0.1.
    site.trusted_proxies = networks(["10.0.0.0/8"])
    async with TestClient(TestServer(site.application())) as client:
        for i in range(21):
            claimed = {"X-Forwarded-For": f"203.0.113.{i}"}
            async with client.get(f"/xac-minh/AAAA-{i:04d}", headers=claimed) as r:
                status = r.status

    assert status == 429


def test_the_trusted_proxies_setting_takes_networks_and_refuses_anything_else() -> None:
    assert Settings(
        _env_file=None, web_trusted_proxies="127.0.0.1/32, ::1"
    ).web_trusted_proxies == [
        "127.0.0.1/32",
        "::1",
    ]
    assert Settings(_env_file=None, web_trusted_proxies="").web_trusted_proxies == list(
        DEFAULT_TRUSTED_PROXIES
    )
    with pytest.raises(ValidationError):
        Settings(_env_file=None, web_trusted_proxies="the proxy")
