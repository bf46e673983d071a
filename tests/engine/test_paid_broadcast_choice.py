"""An organiser chooses between sending an announcement free or paid (Telegram Stars).

Before confirming they read how many it reaches, how long it takes at the free pace and at
the paid pace, the most it may cost against the budget of one broadcast and the bot's
balance. Over the budget (or the balance) it cannot be sent paid, only free; with paid
broadcasts off nothing about Stars is shown. A second tap starts nothing more.
"""

from __future__ import annotations

import pytest

from bot.app import App
from bot.channels.telegram.convert import split_text
from handlers import broadcasting
from handlers.context import Sending
from handlers.events import Notice
from storage.repos.broadcasts import BroadcastStatus
from tests.support.client import Person

ORGANISER = "telegram:9000"
ALREADY = "Thao tác này đã được thực hiện."
TEXT = "Lễ trao giải Quý 1 tổ chức sáng thứ Bảy."


@pytest.fixture
def organiser(app: App) -> Person:
    app.svc.admins = frozenset({ORGANISER})
    return Person.on(app, "telegram", "9000", "Ban Tổ chức")


def paid_on(app: App, *, budget: int = 100, balance: float | None = 5000.0) -> None:
    """TELEGRAM_PAID_BROADCAST=true; the free pace slow enough to read in whole seconds."""

    async def stars() -> float:
        assert balance is not None
        return balance

    app.svc.sending = Sending(
        rates={"telegram": 2.0, "zalo": 5.0},
        paid=True,
        paid_rate=250.0,
        paid_budget_stars=budget,
        star_balance=stars if balance is not None else None,
    )


async def registered(app: App, n: int, *, start: int = 1) -> None:
    for i in range(start, start + n):
        await Person.on(app, "telegram", str(1000 + i), f"P{i}").register(phone=f"0912{i:06d}")


async def preview(organiser: Person) -> None:
    await organiser.send("/admin")
    await organiser.tap("📣 Gửi thông báo")
    await organiser.send(TEXT)


async def typed(app: App) -> list[BroadcastStatus]:
    """The organisers' own broadcasts (the calendar's announcements carry a key)."""
    return [b for b in await app.svc.broadcasts.recent(10) if b.key is None]


async def test_the_preview_shows_recipients_time_free_and_paid_and_the_most_it_may_cost(
    app: App, organiser: Person
) -> None:
    paid_on(app)
    await registered(app, 12)
    await preview(organiser)

    assert "thông báo sẽ gửi tới 12 người" in organiser.said
    assert "⏱ Gửi miễn phí: khoảng 6 giây (Telegram 2 tin/giây)." in organiser.said
    assert (
        "💫 Gửi trả phí: khoảng 1 giây (Telegram tới 250 tin/giây). Chi phí tối đa 1,2 sao"
        " (0,1 sao mỗi tin; Telegram không tính các tin trong mức miễn phí 30 tin/giây),"
        " ngân sách mỗi thông báo 100 sao. Số dư của bot: 5.000 sao." in organiser.said
    )
    assert organiser.offered("✅ Gửi miễn phí")

    await organiser.tap("💫 Gửi trả phí")

    assert "Đã bắt đầu gửi trả phí thông báo" in organiser.said
    assert "tới 12 người, dùng tối đa 100 sao" in organiser.said
    (sent,) = await typed(app)
    assert (sent.recipients, sent.paid_budget, sent.paid_sent) == (12, 1000, 0)
    entry = (await app.svc.audit.recent(1))[0]
    assert (entry.action, entry.detail["paid_budget_stars"]) == ("broadcast.start", 100)


async def test_over_the_budget_it_cannot_be_sent_paid_but_can_go_free(
    app: App, organiser: Person
) -> None:
    paid_on(app, budget=1)  # ten messages' worth
    await registered(app, 12)
    await preview(organiser)

    assert (
        "💫 Không gửi trả phí được: chi phí tối đa 1,2 sao vượt ngân sách mỗi thông báo (1 sao)."
        " Vẫn có thể gửi miễn phí." in organiser.said
    )
    assert not organiser.offered("💫 Gửi trả phí")
    await organiser.tap("✅ Gửi miễn phí")

    assert "Đã bắt đầu gửi thông báo" in organiser.said
    (sent,) = await typed(app)
    assert (sent.recipients, sent.paid_budget) == (12, None)


async def test_a_balance_too_low_for_the_cost_refuses_paid(app: App, organiser: Person) -> None:
    paid_on(app, balance=1.0)
    await registered(app, 12)
    await preview(organiser)

    assert "số dư của bot chỉ còn 1 sao" in organiser.said
    assert not organiser.offered("💫 Gửi trả phí")


async def test_a_paid_tap_after_the_recipients_grew_past_the_budget_shows_the_preview_again(
    app: App, organiser: Person
) -> None:
    paid_on(app, budget=1)
    await registered(app, 9)
    await preview(organiser)
    assert "Chi phí tối đa 0,9 sao" in organiser.said
    await registered(app, 2, start=10)  # two more registered meanwhile: 1,1 Stars

    await organiser.tap("💫 Gửi trả phí")

    assert organiser.notices() == [
        "Không gửi trả phí được nữa (số người nhận hoặc số dư đã thay đổi); xem lại ước tính"
        " dưới đây."
    ]
    assert "thông báo sẽ gửi tới 11 người" in organiser.said
    assert "vượt ngân sách mỗi thông báo (1 sao)" in organiser.said
    assert await typed(app) == []
    await organiser.tap("✅ Gửi miễn phí")  # the new preview's button works
    assert [b.recipients for b in await typed(app)] == [11]


async def test_a_second_tap_on_either_button_starts_nothing_more(
    app: App, organiser: Person
) -> None:
    paid_on(app)
    await registered(app, 3)
    await preview(organiser)
    await organiser.tap("💫 Gửi trả phí")

    await organiser.tap("💫 Gửi trả phí")
    assert organiser.replies == [Notice(ALREADY)]
    await organiser.tap("✅ Gửi miễn phí")
    assert organiser.replies == [Notice(ALREADY)]
    assert len(await typed(app)) == 1
    assert len(await app.svc.audit.recent(10, action="broadcast.start")) == 1


async def test_with_paid_broadcasts_off_nothing_about_stars_is_shown(
    app: App, organiser: Person
) -> None:
    await registered(app, 3)
    await preview(organiser)

    assert "⏱ Gửi miễn phí: khoảng 1 giây (Telegram 25 tin/giây)." in organiser.said
    assert "sao" not in organiser.said
    assert organiser.offered("✅ Gửi")
    assert not organiser.offered("💫 Gửi trả phí")


async def test_an_announcement_that_would_go_as_two_messages_each_charged_is_refused(
    app: App, organiser: Person
) -> None:
    paid_on(app)
    await registered(app, 3)
    # 3,400 characters as typed, but each & is sent as "&amp;": past one Telegram message, it
    # would go as two, each charged, while one is counted and shown.
    text = ("Sở TT&TT phối hợp UBND các xã & phường. " * 100)[:3400]
    await organiser.send("/admin")
    await organiser.tap("📣 Gửi thông báo")
    await organiser.send(text)

    assert "Nội dung thông báo cần từ 1 đến 3500 ký tự và vừa một tin nhắn" in organiser.said
    assert not organiser.offered("💫 Gửi trả phí")
    assert await typed(app) == []
    # The longest accepted goes as one message, its heading included.
    assert not broadcasting.problem("&" * 800)
    assert len(split_text(str(broadcasting.message(app.svc, "&" * 800)))) == 1
