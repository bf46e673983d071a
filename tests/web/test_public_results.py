"""The public results: nothing about winners until the jury approves; then the winners with
masked names, locality, unit and prize, linked from the home page's schedule. The
certificates (dashboard ZIP, and the file the organisers get on approval) carry codes whose
QR codes open a valid verification."""

from __future__ import annotations

import io
import zipfile

from bot.app import App
from bot.clock import ManualClock
from bot.web import Site
from handlers.announce import CERTIFICATES_FILE
from handlers.documents import document
from handlers.jury import actions as jury
from handlers.verification import Status, verify
from tests.support.client import Person
from tests.support.printed import read_page
from tests.web.support import Browser, link_from_chat
from tests.web.test_jury_page import closed_with_cheaters

NAMES = ("Lý Văn Máy", "Phan Văn Hùng", "Vũ Văn Sửa", "Ngô Văn Hải", "Bùi Thị Hoa", "Phan V. H.")


async def test_before_approval_the_public_page_says_the_jury_is_reviewing(
    app: App, clock: ManualClock, browser: Browser
) -> None:
    await closed_with_cheaters(app, clock)
    await browser.get("/ket-qua/2023-Q1")
    assert browser.status == 200
    text = browser.text
    assert "Kết quả Quý 1 Kết quả đang được Ban Giám khảo xem xét" in text
    assert "Danh sách người đạt giải được công bố tại đây sau khi Ban Giám khảo phê duyệt." in text
    for said in (*NAMES, "Giải Nhất", "Giải Ba", "Hoa Lư"):
        assert said not in browser.last
    assert browser.headers["Cache-Control"] == "no-store"
    assert "default-src 'none'" in browser.headers["Content-Security-Policy"]

    await browser.get("/ket-qua")
    assert "Quý 1: Kết quả đang được Ban Giám khảo xem xét" in browser.text
    assert "Quý 2: Sắp diễn ra" in browser.text
    await browser.get("/")
    assert "Đã kết thúc 7 Kết quả đang được Ban Giám khảo xem xét" in browser.text
    assert 'href="/ket-qua/2023-Q1"' not in browser.last


async def test_after_approval_the_winners_are_public_and_linked_from_the_schedule(
    app: App, clock: ManualClock, browser: Browser
) -> None:
    planted = await closed_with_cheaters(app, clock)
    await jury.set_aside(app.svc, "2023-Q1", planted.ids["bot"], "Máy trả lời", "telegram:9001")
    await jury.approve(app.svc, "2023-Q1", "telegram:9001")

    await browser.get("/")
    assert 'href="/ket-qua/2023-Q1"' in browser.last
    await browser.get("/ket-qua/2023-Q1")
    text = browser.text
    assert "Ban Giám khảo phê duyệt ngày 31/03/2023. Số người tham gia: 7." in text
    assert (
        "Giải Họ và tên Địa bàn Đơn vị "
        "Giải Nhất Phan V. H. Hoa Lư Người dân "
        "Giải Nhì Vũ V. S. Đ. Hoa Lư Người dân "
        "Giải Ba Ngô V. H. Hoa Lư Người dân "
        "Giải Ba Bùi T. H. Hoa Lư Người dân"
    ) in text
    for full in NAMES[:5]:
        assert full not in browser.last
    assert "Lý V. M." not in text  # set aside: no prize
    assert "*******" not in text
    assert "0987" not in text
    await browser.get("/ket-qua")
    assert "Quý 1: Xem người đạt giải Quý 1" in browser.text


async def test_an_unknown_or_open_round_shows_no_winners(app: App, browser: Browser) -> None:
    await browser.get("/ket-qua/2023-Q9")
    assert browser.status == 404
    await browser.get("/ket-qua/2023-Q1")
    assert "Đang diễn ra" in browser.text
    assert (
        "Đợt thi chưa kết thúc. Kết quả được công bố tại đây sau khi Ban Giám khảo phê duyệt."
        in (browser.text)
    )


async def test_approved_certificates_carry_codes_that_verify(
    app: App, clock: ManualClock, organiser: Person, browser: Browser, site: Site
) -> None:
    planted = await closed_with_cheaters(app, clock)
    await jury.set_aside(app.svc, "2023-Q1", planted.ids["bot"], "Máy trả lời", "telegram:9001")
    await jury.approve(app.svc, "2023-Q1", "telegram:9001")
    await browser.sign_in(await link_from_chat(organiser))
    async with browser.client.get("/quan-tri/ket-qua/2023-Q1/giay-chung-nhan.zip") as resp:
        assert resp.status == 200
        zipped = zipfile.ZipFile(io.BytesIO(await resp.read()))
    names = zipped.namelist()
    assert names[0] == "01-giai-nhat-phan-van-hung.pdf"
    first = read_page(zipped.read(names[0]), "web-approved-first-prize")
    [(address, _)] = first.qr
    assert address.startswith(site.public_url + "/xac-minh/")
    found = await verify(app.svc, address.rsplit("/", 1)[1])
    assert found.status == Status.VALID
    assert (found.full_name, found.prize) == ("Phan Văn Hùng", "Giải Nhất")

    # The file the organisers get in chat on approval carries the same code.
    sent = await document(app.svc, f"{CERTIFICATES_FILE}2023-Q1", caption="")
    in_chat = zipfile.ZipFile(io.BytesIO(sent.data))
    [(chat_address, _)] = read_page(in_chat.read(names[0]), "chat-approved-first-prize").qr
    assert chat_address.rsplit("/", 1)[1] == address.rsplit("/", 1)[1]

    # Certificates exist only once the winners are frozen: a winner cannot be set aside now,
    # so no certificate made can lose its prize.
    await browser.get("/quan-tri/ket-qua/2023-Q1")
    await browser.post(
        f"/quan-tri/ket-qua/2023-Q1/de-rieng/{planted.ids['hung']}", {"reason": "Xem lại"}
    )
    assert browser.status == 409
    assert (await verify(app.svc, address.rsplit("/", 1)[1])).status == Status.VALID
