"""What operators watch: alive, ready (database and Redis), and the Prometheus metrics."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.broadcast import Broadcaster
from bot.clock import ManualClock
from bot.scheduler import ContestJobs, LeaderLock, Scheduler
from handlers.events import Reply
from tests.conftest import vn
from tests.support.client import Person
from tests.web.support import Browser


def metric(text: str, name: str, **labels: str) -> float:
    """One sample's value from the Prometheus text format (0 when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" (\S+)"
    found = re.search(r"^" + pattern + "$", text, re.M)
    return float(found.group(1)) if found else 0.0


async def test_healthz_answers_while_the_process_runs(browser: Browser) -> None:
    await browser.get("/healthz")
    assert browser.status == 200
    assert browser.last == '{"status": "ok"}'


async def test_readyz_checks_the_database_and_redis(browser: Browser) -> None:
    await browser.get("/readyz")
    assert browser.status == 200
    assert browser.last == '{"status": "ok", "database": "ok", "redis": "ok"}'


async def test_readyz_is_unavailable_when_redis_is_unreachable(
    app: App, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def refused() -> None:
        raise ConnectionError("refused")

    monkeypatch.setattr(app.svc.store.redis, "ping", refused)
    await browser.get("/readyz")
    assert browser.status == 503
    assert browser.last == '{"status": "unavailable", "database": "ok", "redis": "unreachable"}'


async def test_readyz_is_unavailable_when_the_database_is_unreachable(
    app: App, browser: Browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    @contextlib.asynccontextmanager
    async def down() -> AsyncIterator[None]:
        raise ConnectionRefusedError("database down")
        yield

    monkeypatch.setattr(app.svc.db, "session", down)
    await browser.get("/readyz")
    assert browser.status == 503
    assert browser.last == '{"status": "unavailable", "database": "unreachable", "redis": "ok"}'


async def test_metrics_count_updates_per_channel_and_outcome(
    browser: Browser, person: Person
) -> None:
    before = await browser.get("/metrics")
    await person.send("/start")
    await person.send("/thele")
    after = await browser.get("/metrics")
    labels = {"channel": "telegram", "outcome": "handled"}
    assert metric(after, "quizbot_updates_total", **labels) == (
        metric(before, "quizbot_updates_total", **labels) + 2
    )
    count = "quizbot_update_handling_seconds_count"
    assert metric(after, count, channel="telegram") == metric(before, count, channel="telegram") + 2


async def test_metrics_show_live_attempts_and_broadcast_progress(
    app: App, browser: Browser, person: Person
) -> None:
    await person.register()
    await person.send("/thi")
    # The opening's announcement (made before anyone registered) is still sending too.
    sending = metric(await browser.get("/metrics"), "quizbot_broadcasts_sending")
    await app.svc.broadcasts.create("Xin chào", actor="test", now=app.svc.clock.now())
    text = await browser.get("/metrics")
    assert metric(text, "quizbot_live_attempts") == 1
    assert metric(text, "quizbot_broadcasts_sending") == sending + 1
    assert metric(text, "quizbot_broadcast_recipients_remaining") == 1

    class Sent:
        name = "telegram"

        async def send_to(self, user_id: str, replies: list[Reply]) -> None:
            return None

    before = metric(text, "quizbot_broadcast_messages_total", channel="telegram", outcome="sent")
    await Broadcaster(app.svc, {"telegram": Sent()}, rates={"telegram": 1000}).run_once()  # type: ignore[dict-item]
    text = await browser.get("/metrics")
    assert metric(text, "quizbot_broadcast_recipients_remaining") == 0
    sent = metric(text, "quizbot_broadcast_messages_total", channel="telegram", outcome="sent")
    assert sent == before + 1


async def test_metrics_count_the_scheduled_jobs_the_leading_process_runs(
    app: App, clock: ManualClock, browser: Browser
) -> None:
    jobs = ContestJobs(app.svc)
    key = app.store.keys.leader
    leader = Scheduler(jobs, LeaderLock(app.store.redis, key, owner="a"))
    other = Scheduler(jobs, LeaderLock(app.store.redis, key, owner="b"))
    await leader.keep_leadership()
    before = await browser.get("/metrics")
    clock.set(vn(2023, 3, 31, 0, 0))
    close_q1 = next(j for j in leader.planned() if j.id == "close:2023-Q1")
    await other.run(close_q1)  # not the leader: runs nothing, counts nothing
    await leader.run(close_q1)
    after = await browser.get("/metrics")
    done = {"job": "close", "outcome": "done"}
    assert metric(after, "quizbot_scheduler_jobs_total", **done) == (
        metric(before, "quizbot_scheduler_jobs_total", **done) + 1
    )
