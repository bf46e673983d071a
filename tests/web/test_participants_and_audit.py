"""Looking people up (masked phones) and reading the audit log."""

from __future__ import annotations

from bot.app import App
from tests.support.client import Person
from tests.web.support import ORGANISER, Browser, link_from_chat


async def _register(app: App) -> None:
    for uid, name, phone in [
        ("1", "Đặng Văn Khoa", "0912345678"),
        ("2", "Nguyễn Thị Đào", "0987654321"),
        ("3", "Trần Minh Hoà", "0355111678"),
    ]:
        await Person.on(app, "telegram", uid, name).register(name=name, phone=phone)


async def test_people_are_found_by_name_in_any_letter_case(
    app: App, organiser: Person, browser: Browser
) -> None:
    await _register(app)
    await browser.sign_in(await link_from_chat(organiser))
    for query, found in [
        ("đặng", ["Đặng Văn Khoa"]),
        ("ĐÀO", ["Nguyễn Thị Đào"]),
        ("văn", ["Đặng Văn Khoa"]),
        ("minh hoà", ["Trần Minh Hoà"]),
    ]:
        await browser.get(f"/quan-tri/nguoi-thi?q={query}")
        names = [
            n for n in ("Đặng Văn Khoa", "Nguyễn Thị Đào", "Trần Minh Hoà") if n in browser.text
        ]
        assert names == found, query


async def test_people_are_found_by_the_last_digits_of_the_phone_which_stays_masked(
    app: App, organiser: Person, browser: Browser
) -> None:
    await _register(app)
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/nguoi-thi?q=678")
    assert "Đặng Văn Khoa *******678 1990" in browser.text
    assert "Trần Minh Hoà *******678" in browser.text
    assert "Nguyễn Thị Đào" not in browser.text
    assert "0912345678" not in browser.last
    await browser.get("/quan-tri/nguoi-thi?q=%25")
    assert "Không có ai khớp" in browser.text  # a LIKE wildcard is searched for as itself


async def test_the_audit_log_is_newest_first_and_filters(
    app: App, organiser: Person, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/nhat-ky")
    text = browser.text.split("Chi tiết", 1)[1]  # the table, after the filters' options
    assert text.index("web.signin") < text.index("web.link") < text.index("questions.import")
    await browser.get(f"/quan-tri/nhat-ky?nguoi={ORGANISER}")
    assert "web.signin" in browser.text.split("Chi tiết", 1)[1]
    assert "questions.import" not in browser.text.split("Chi tiết", 1)[1]
    await browser.get("/quan-tri/nhat-ky?hanh-dong=questions")
    assert "questions.import" in browser.text.split("Chi tiết", 1)[1]
    assert "web.signin" not in browser.text.split("Chi tiết", 1)[1]
