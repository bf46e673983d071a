"""The dashboard's broadcast preview: the estimate under it (time free and paid, the most it
may cost in Stars), Send paid only within the budget, and one broadcast per preview however
many times Send is pressed."""

from __future__ import annotations

from bot.app import App
from handlers.context import Sending
from tests.support.client import Person
from tests.web.support import Browser, link_from_chat

PREVIEW = "/quan-tri/thong-bao/xem-truoc"
SEND = "/quan-tri/thong-bao/gui"


async def _people(app: App, n: int) -> None:
    for i in range(1, n + 1):
        await Person.on(app, "telegram", str(i), f"P{i}").register(phone=f"0912{i:06d}")


def _paid_on(app: App, budget: int) -> None:
    async def stars() -> float:
        return 250.0

    app.svc.sending = Sending(
        rates={"telegram": 2.0, "zalo": 5.0},
        paid=True,
        paid_rate=250.0,
        paid_budget_stars=budget,
        star_balance=stars,
    )


async def _preview(browser: Browser, organiser: Person) -> dict[str, str]:
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/thong-bao")
    await browser.post(PREVIEW, {"text": "Thi ngay!", "audience": "all"})
    # The preview's form, as a second press of Send would post it again.
    code, csrf = browser.hidden("code"), browser.csrf()
    return {"csrf": csrf, "text": "Thi ngay!", "audience": "all", "code": code}


async def test_the_preview_shows_the_estimate_and_sends_paid_once(
    app: App, organiser: Person, browser: Browser
) -> None:
    _paid_on(app, budget=100)
    await _people(app, 12)
    form = await _preview(browser, organiser)

    assert "Thông báo sẽ gửi tới 12 người" in browser.text
    assert "⏱ Gửi miễn phí: khoảng 6 giây (Telegram 2 tin/giây)." in browser.text
    assert "Chi phí tối đa 1,2 sao" in browser.text
    assert "Số dư của bot: 250 sao." in browser.text
    assert "Gửi trả phí (Telegram Stars)" in browser.text

    await browser.post(SEND, {**form, "paid": "1"}, csrf=False)
    assert "Thông báo #" in browser.text
    assert "trả phí, đã dùng tối đa 0/100 sao" in browser.text
    await browser.post(SEND, {**form, "paid": "1"}, csrf=False)  # pressed again
    assert browser.status == 409
    assert "Thông báo này đã bắt đầu gửi từ lần bấm trước" in browser.text
    typed = [b for b in await app.svc.broadcasts.recent(10) if b.key is None]
    assert [(b.recipients, b.paid_budget) for b in typed] == [(12, 1000)]


async def test_over_the_budget_only_free_is_offered_and_a_forced_paid_send_is_refused(
    app: App, organiser: Person, browser: Browser
) -> None:
    _paid_on(app, budget=1)
    await _people(app, 12)
    form = await _preview(browser, organiser)

    assert "vượt ngân sách mỗi thông báo (1 sao). Vẫn có thể gửi miễn phí." in browser.text
    assert "Gửi trả phí (Telegram Stars)" not in browser.text
    await browser.post(SEND, {**form, "paid": "1"}, csrf=False)  # a form made up to force it
    assert browser.status == 422
    assert "Không gửi trả phí được" in browser.text
    assert [b for b in await app.svc.broadcasts.recent(10) if b.key is None] == []
