"""An attempt still going when the round closes is submitted by the close, and its taker gets
their result as a time-out would give it, at once, before anything else the close announces."""

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


async def test_an_attempt_submitted_by_the_close_gets_its_result_message(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    late, early = await people(app, 2)
    await early.take_attempt(correct=3)
    clock.set(vn(2023, 3, 30, 23, 57))
    await late.send("/thi")
    for _ in range(4):
        await late.answer(right=True)
    assert "Câu 5/10" in late.said

    await lead(scheduler)
    await run_at(scheduler, clock, "close:2023-Q1")  # 00:00:00 on 31/3
    await broadcaster.run_once()

    [result] = channel.to("1")
    assert "Hết giờ! Bài thi đã được nộp tự động" in result
    assert "Số câu đúng: 4/10" in result
    assert channel.to("2") == []  # the winners' list waits for the morning
    clock.set(vn(2023, 3, 31, 7, 30))
    await broadcaster.run_once()
    assert "Kết quả Quý 1" in channel.to("1")[-1]
    assert await late.live() is None
