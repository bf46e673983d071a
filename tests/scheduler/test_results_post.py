"""The results post says what happened: an empty round's post thanks no one."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.broadcast import Broadcaster
from bot.clock import ManualClock
from bot.scheduler import Scheduler
from tests.conftest import vn
from tests.scheduler.conftest import lead, people, run_at
from tests.scheduler.recording import RecordingChannel

# Closing announces the winners at once here (contest.yaml results.approval: auto).
pytestmark = pytest.mark.usefixtures("auto_approval")


async def test_an_empty_rounds_post_thanks_no_one(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
    chat: str,
) -> None:
    await people(app, 2)  # registered, but nobody takes part
    await lead(scheduler)
    await run_at(scheduler, clock, "close:2023-Q1")
    clock.set(vn(2023, 3, 31, 7, 30))
    await broadcaster.run_once()

    [post] = channel.to(chat)
    assert "Kết quả Quý 1" in post
    assert "Đợt này không có ai tham gia nên không có giải." in post
    assert "Cảm ơn" not in post
    assert "Số người tham gia: 0" not in post
    assert channel.to("1") == channel.to("2") == []


async def test_a_round_with_participants_but_no_prize_still_thanks_them(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
    chat: str,
) -> None:
    (p,) = await people(app, 1)
    await p.take_attempt(correct=4)
    app.svc.contest = app.svc.contest.model_copy(update={"excluded_phones": ["+84900000001"]})
    await lead(scheduler)
    await run_at(scheduler, clock, "close:2023-Q1")
    clock.set(vn(2023, 3, 31, 7, 30))
    await broadcaster.run_once()

    [post] = channel.to(chat)
    assert "Số người tham gia: 1" in post
    assert "Đợt này không có người đạt giải." in post
    assert "Cảm ơn bạn đã tham gia!" in post
    assert channel.to("1") == [post]
