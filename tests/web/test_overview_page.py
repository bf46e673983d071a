"""The overview: the figures organisers report, the same as the database holds."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from tests.conftest import vn
from tests.support.client import Person
from tests.web.support import Browser, link_from_chat


async def test_the_figures_match_the_database(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    an = Person.on(app, "telegram", "1", "An")
    binh = Person.on(app, "zalo", "z2", "Bình")
    cuong = Person.on(app, "telegram", "3", "Cường")
    await an.register(name="Nguyễn Văn An", phone="0912345678", locality="Hoa Lư")
    await binh.register(
        name="Trần Thị Bình",
        phone="0987654321",
        locality="Kim Sơn",
        unit="Sở Y tế",
        typed_phone=True,
    )
    await cuong.register(name="Lê Văn Cường", phone="0355111222", locality="Hoa Lư")
    await an.take_attempt(correct=7, prediction=3)
    clock.set(vn(2023, 2, 21, 9, 0))
    await binh.take_attempt(correct=5, prediction=3)
    await cuong.send("/thi")  # still answering

    await browser.sign_in(await link_from_chat(organiser))
    text = browser.text
    assert "Người đã đăng ký 3" in text
    assert "Lượt thi hôm nay 1" in text
    assert "Lượt thi đang làm 1" in text
    assert "Người tham gia Quý 1 2" in text
    assert "Quý 1: Đang diễn ra, kết thúc lúc 23:59 ngày 30/03/2023." in text
    # By locality and by unit: people and attempts, most people first.
    assert "Theo địa bàn Tên Người Lượt thi Tỉ lệ Hoa Lư 1 1 Kim Sơn 1 1" in text
    assert "Theo đơn vị Tên Người Lượt thi Tỉ lệ Người dân 1 1 Sở Y tế 1 1" in text
    # Per day, every day of the round so far (the table under the chart).
    assert "2023-02-19 0 0 2023-02-20 1 1 2023-02-21 1 1" in text
    assert text.count("2023-02-1") == 2 * 5  # 15..19/02 in the chart's titles and the table


async def test_the_figures_refresh_in_place(
    app: App, organiser: Person, browser: Browser, person: Person
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    page = browser.last
    assert 'data-refresh="/quan-tri/so-lieu" data-every="15"' in page
    await person.register()
    await browser.get("/quan-tri/so-lieu")
    assert browser.status == 200
    assert browser.last.lstrip().startswith("<dl")  # the figures alone, no layout
    assert "Người đã đăng ký 1" in browser.text


async def test_another_round_can_be_picked(
    app: App, clock: ManualClock, organiser: Person, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri?dot=2023-Q2")
    assert "Chưa có đợt thi nào bắt đầu." not in browser.text
    assert "Quý 2: Sắp diễn ra" in browser.text
