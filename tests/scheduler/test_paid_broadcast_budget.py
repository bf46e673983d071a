"""A paid broadcast spends at most its budget: each message counted at 0.1 Stars before it
goes (the most Telegram charges), handed back when it does not go out; once the budget is
spent, or Telegram will not charge any more, the rest goes free, and /admin says so."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest

from bot.app import App
from bot.broadcast import Broadcaster
from bot.channels.base import MaybeSentError, PaidRefusedError
from bot.clock import ManualClock
from bot.pacer import SendKind, send_kind
from handlers.events import Reply
from tests.scheduler.conftest import ORGANISER, people
from tests.scheduler.recording import CHAT_NOT_FOUND, RecordingChannel
from tests.support.client import Person


@dataclass
class PaidRecording(RecordingChannel):
    """Also keeps whether each message went paid; can stop charging after a number of them."""

    paid: list[str] = field(default_factory=list)
    free: list[str] = field(default_factory=list)
    charges_left: int | None = None
    # Chat ids whose paid message goes out but whose answer is lost on the way back.
    answer_lost: set[str] = field(default_factory=set)
    # Chat ids whose paid message goes out but whose answer never comes (the call hangs).
    hanging: set[str] = field(default_factory=set)
    hung: asyncio.Event = field(default_factory=asyncio.Event)

    async def send_to(self, user_id: str, replies: list[Reply]) -> None:
        paid = send_kind() is SendKind.PAID
        if paid and self.charges_left is not None:
            if self.charges_left == 0:
                raise PaidRefusedError("Bad Request: BALANCE_TOO_LOW")
            self.charges_left -= 1
        await super().send_to(user_id, replies)
        (self.paid if paid else self.free).append(user_id)
        if paid and user_id in self.hanging:
            self.hung.set()
            await asyncio.Event().wait()
        if paid and user_id in self.answer_lost:
            self.answer_lost.discard(user_id)
            raise MaybeSentError("Request timeout error")


@pytest.fixture
def channel() -> PaidRecording:
    return PaidRecording()


@pytest.fixture
def paid_broadcaster(broadcaster: Broadcaster, channel: PaidRecording) -> Broadcaster:
    return Broadcaster(
        broadcaster.svc,
        {"telegram": channel},
        rates={"telegram": 25, "telegram:paid": 250},
        sleep=broadcaster.sleep,
    )


async def panel(app: App) -> str:
    app.svc.admins = frozenset({f"telegram:{ORGANISER}"})
    organiser = Person.on(app, "telegram", ORGANISER, "Ban Tổ chức")
    await organiser.send("/admin")
    return organiser.said


async def test_once_the_budget_is_spent_the_rest_goes_free_and_the_panel_says_so(
    app: App, clock: ManualClock, paid_broadcaster: Broadcaster, channel: PaidRecording
) -> None:
    await people(app, 12)
    await app.svc.broadcasts.create("Thông báo", actor="test", now=clock.now(), paid_budget=10)

    await paid_broadcaster.run_once()

    assert (len(channel.paid), len(channel.free)) == (10, 2)  # 1 Star: ten messages
    assert channel.per_user() == {str(i): 1 for i in range(1, 13)}
    [status] = await app.svc.broadcasts.recent(1)
    assert (status.sent, status.paid_sent, status.status) == (12, 10, "done")
    assert (
        "đã gửi 12, lỗi 0, còn lại 0; trả phí, ngân sách 1 sao đã dùng hết: tin nào còn lại"
        " gửi miễn phí, chậm hơn" in await panel(app)
    )


async def test_within_the_budget_every_message_goes_paid_and_the_panel_shows_the_most_spent(
    app: App, clock: ManualClock, paid_broadcaster: Broadcaster, channel: PaidRecording
) -> None:
    await people(app, 12)
    await app.svc.broadcasts.create("Thông báo", actor="test", now=clock.now(), paid_budget=1000)

    await paid_broadcaster.run_once()

    assert (len(channel.paid), channel.free) == (12, [])
    assert "trả phí, đã dùng tối đa 1,2/100 sao" in await panel(app)


async def test_when_telegram_will_not_charge_any_more_the_rest_goes_free(
    app: App, clock: ManualClock, paid_broadcaster: Broadcaster, channel: PaidRecording
) -> None:
    await people(app, 12)
    channel.charges_left = 3
    await app.svc.broadcasts.create("Thông báo", actor="test", now=clock.now(), paid_budget=1000)

    await paid_broadcaster.run_once()

    assert channel.per_user() == {str(i): 1 for i in range(1, 13)}
    assert (len(channel.paid), len(channel.free)) == (3, 9)
    [status] = await app.svc.broadcasts.recent(1)
    assert (status.paid_sent, status.paid_budget) == (3, 3)  # the budget ends where it stood


async def test_a_message_that_does_not_go_out_is_not_counted_against_the_budget(
    app: App, clock: ManualClock, paid_broadcaster: Broadcaster, channel: PaidRecording
) -> None:
    await people(app, 5)
    channel.refusing["3"] = CHAT_NOT_FOUND
    await app.svc.broadcasts.create("Thông báo", actor="test", now=clock.now(), paid_budget=1000)

    await paid_broadcaster.run_once()

    [status] = await app.svc.broadcasts.recent(1)
    assert (status.sent, status.paid_sent) == (4, 4)


async def test_a_message_whose_answer_was_lost_stays_counted_as_it_may_have_been_charged(
    app: App, clock: ManualClock, paid_broadcaster: Broadcaster, channel: PaidRecording
) -> None:
    await people(app, 5)
    channel.answer_lost.add("3")
    await app.svc.broadcasts.create("Thông báo", actor="test", now=clock.now(), paid_budget=1000)

    await paid_broadcaster.run_once()

    [status] = await app.svc.broadcasts.recent(1)
    assert channel.paid.count("3") == 1
    assert (status.sent, status.paid_sent) == (4, 5)


async def test_a_message_whose_call_is_cut_short_by_stopping_stays_counted(
    app: App, clock: ManualClock, paid_broadcaster: Broadcaster, channel: PaidRecording
) -> None:
    # The process stops while a call is on its way (its work cancelled after the drain time):
    # the message may have gone out and been charged.
    await people(app, 1)
    channel.hanging.add("1")
    await app.svc.broadcasts.create("Thông báo", actor="test", now=clock.now(), paid_budget=1000)

    sending = asyncio.create_task(paid_broadcaster.run_once())
    await channel.hung.wait()
    sending.cancel()
    with pytest.raises(asyncio.CancelledError):
        await sending

    [status] = await app.svc.broadcasts.recent(1)
    assert (channel.paid, status.sent, status.paid_sent) == (["1"], 0, 1)
