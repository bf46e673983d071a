"""The internal results workbook the calendar sends each organiser at closing carries whole
phone numbers: each copy that reaches an organiser is in the audit log, as a download is."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.broadcast import Broadcaster
from bot.clock import ManualClock
from bot.scheduler import Scheduler
from tests.scheduler.conftest import ORGANISER, lead, people, run_at
from tests.scheduler.recording import RecordingChannel

# Closing announces the winners at once here (contest.yaml results.approval: auto).
pytestmark = pytest.mark.usefixtures("auto_approval")


async def test_each_organiser_who_receives_the_internal_workbook_is_recorded_once(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    app.svc.admins = frozenset({f"telegram:{ORGANISER}", "telegram:9001"})
    channel.refusing_documents["9001"] = "Bad Request: chat not found"
    first, _ = await people(app, 2)
    await first.take_attempt(correct=7)
    await lead(scheduler)
    await run_at(scheduler, clock, "close:2023-Q1")
    await broadcaster.run_once()
    await broadcaster.run_once()

    assert channel.documents == [
        (ORGANISER, "ket-qua-2023-Q1-noi-bo.xlsx"),
        (ORGANISER, "giay-chung-nhan-2023-Q1.zip"),
    ]
    downloads = [e for e in await app.svc.audit.recent(50) if e.action == "results.download"]
    assert [(e.actor, e.detail) for e in downloads] == [
        (
            f"telegram:{ORGANISER}",
            {"round": "2023-Q1", "full_phones": True, "via": "delivery"},
        )
    ]
