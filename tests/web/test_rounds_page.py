"""Rounds from the dashboard: opened and closed after a confirmation, as the organiser."""

from __future__ import annotations

from bot.app import App
from tests.support.client import Person
from tests.web.support import ORGANISER, Browser, link_from_chat


async def test_opening_a_round_asks_first_then_opens_it_as_the_organiser(
    app: App, organiser: Person, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/dot-thi")
    assert "Quý 2 Từ 00:00 ngày 01/04/2023 đến 23:59 ngày 30/06/2023 Sắp diễn ra 0 Mở đợt thi" in (
        browser.text
    )
    await browser.get("/quan-tri/dot-thi/2023-Q2/mo")
    assert "Mở Quý 2 ngay bây giờ?" in browser.text
    assert (await app.svc.rounds.get("2023-Q2")).status == "scheduled"  # type: ignore[union-attr]
    await browser.post("/quan-tri/dot-thi/2023-Q2/mo", {})
    assert "Đã mở Quý 2" in browser.text
    assert (await app.svc.rounds.get("2023-Q2")).status == "open"  # type: ignore[union-attr]
    entry = (await app.svc.audit.recent(1))[0]
    assert (entry.actor, entry.action, entry.detail) == (
        ORGANISER,
        "round.open",
        {"round": "2023-Q2"},
    )


async def test_closing_a_round_ranks_and_awards_like_the_chat_does(
    app: App, organiser: Person, browser: Browser, person: Person
) -> None:
    await person.register()
    await person.take_attempt(correct=8, prediction=1)
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/dot-thi/2023-Q1/dong")
    assert "Các bài đang làm sẽ được nộp" in browser.text
    await browser.post("/quan-tri/dot-thi/2023-Q1/dong", {})
    assert "Đã đóng Quý 1" in browser.text
    assert "Số người tham gia: 1. Số giải đã xét: 1." in browser.text
    assert "Kết quả đang là tạm thời và chưa được công bố" in browser.text
    assert [w.participant_id for w in await app.svc.winners.of_round("2023-Q1")] == [
        await person.participant_id()
    ]
    assert [e.action for e in await app.svc.audit.recent(2)] == ["round.winners", "round.close"]


async def test_a_stale_confirmation_changes_nothing(
    app: App, organiser: Person, browser: Browser
) -> None:
    await browser.sign_in(await link_from_chat(organiser))
    await browser.get("/quan-tri/dot-thi/2023-Q2/mo")
    await browser.post("/quan-tri/dot-thi/2023-Q2/mo", {})
    audited = len(await app.svc.audit.recent(100))
    # The same confirmation sent again, and an action that does not apply.
    await browser.post("/quan-tri/dot-thi/2023-Q2/mo", {"csrf": browser.csrf()}, csrf=False)
    assert browser.status == 409
    await browser.get("/quan-tri/dot-thi/2023-Q3/dong")
    assert browser.status == 409
    await browser.get("/quan-tri/dot-thi/khong-co/mo")
    assert browser.status == 409
    assert "không ở trạng thái cho phép" in browser.text
    assert len(await app.svc.audit.recent(100)) == audited
