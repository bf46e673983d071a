"""Retention: `data_retention_days` after the contest's last round, every entry is anonymised
(names, phones, years of birth, accounts), except what the prize records need. A dry run
shows what would go and changes nothing; the purge is refused before its time, audited, and
a second run finds nothing left."""

from __future__ import annotations

from datetime import date

import pytest

from bot.app import App
from bot.clock import ManualClock
from handlers import retention
from handlers.rounds import round_results
from tests.conftest import vn
from tests.engine.personal.support import Closed, closed_round, live_keys, rows
from tests.results_round import AN, CUONG
from tests.support.client import Person

# The last round closes at 23:59:59 on 30/11/2023; contest.yaml keeps data 180 days after.
DUE = vn(2024, 5, 28, 23, 59, 59)


async def _people(app: App) -> list[tuple[object, ...]]:
    return await rows(app, "SELECT id, full_name, phone, birth_year FROM participants ORDER BY id")


async def _closed_and_lan(app: App, clock: ManualClock) -> Closed:
    """`closed_round`, and Lan, registered on Zalo, who never took part."""
    closed = await closed_round(app, clock)
    lan = Person.on(app, "zalo", "z5", "Lan")
    await lan.register(name="Đỗ Thị Lan", phone="0977123456", typed_phone=True)
    return closed


async def test_the_purge_is_due_the_configured_days_after_the_last_round(app: App) -> None:
    assert retention.due(app.contest) == DUE


async def test_a_dry_run_shows_what_would_go_and_changes_nothing(
    app: App, clock: ManualClock
) -> None:
    closed = await _closed_and_lan(app, clock)
    before = await _people(app)

    report = await retention.purge(app.svc, actor="test", dry_run=True)
    assert report.due == DUE
    e = report.erased
    assert (e.entries, e.deleted, e.accounts, e.kept_attempts, e.prizes) == (5, 1, 5, 5, 2)
    assert await _people(app) == before
    with pytest.raises(retention.PurgeNotDueError):
        await retention.purge(app.svc, actor="test")
    assert await _people(app) == before
    assert await retention.when_due(app.svc) is None
    assert len(closed.people) == 4


async def test_when_due_everyone_is_anonymised_but_the_prize_records(
    app: App, clock: ManualClock
) -> None:
    closed = await _closed_and_lan(app, clock)
    ranking = [(r.rank, r.participant_id) for r in closed.results.ranking]
    clock.set(DUE)
    clock.advance(seconds=1)

    report = await retention.purge(app.svc, actor="cli:btc")
    assert (report.erased.entries, report.erased.deleted) == (5, 1)

    assert await _people(app) == [(pid, "", "", 0) for pid in sorted(closed.ids.values())]
    assert await rows(app, "SELECT count(*) FROM accounts") == [(0,)]
    assert await rows(app, "SELECT count(*) FROM participant_phones") == [(0,)]
    assert await rows(app, "SELECT full_name, phone FROM winners ORDER BY rank") == [
        (AN.name, "+84912345678"),
        (CUONG.name, "+84" + CUONG.phone[1:]),
    ]
    results = await round_results(app.svc, "2023-Q1")
    assert [(r.rank, r.participant_id) for r in results.ranking] == ranking
    assert [results.people[pid].full_name for _, pid in ranking] == [
        AN.name,
        CUONG.name,
        "(ẩn danh)",
        "(ẩn danh)",
    ]
    for uid, pid in closed.ids.items():
        assert (
            await live_keys(app, [f"telegram:{uid}"], pid, expired_before=date(2024, 5, 27)) == []
        )
    await closed.people[AN.uid].send("/start")
    assert "quay lại" not in closed.people[AN.uid].said

    (entry,) = [e for e in await app.svc.audit.recent(20) if e.action == "data.purge"]
    assert entry.actor == "cli:btc"
    assert entry.detail["contest"] == "cds-ninhbinh-2023"
    assert entry.detail["entries"] == 5
    again = await retention.purge(app.svc, actor="cli:btc")
    assert again.erased.entries == 0
    assert await retention.when_due(app.svc) is None  # done: the calendar leaves it


async def test_the_purge_waits_while_a_round_is_open_even_before_its_time(
    app: App, clock: ManualClock, person: Person
) -> None:
    await person.register()
    with pytest.raises(retention.PurgeRefusedError, match="đang có đợt thi mở"):
        await retention.purge(app.svc, actor="test", before_due=True)
    assert len(await _people(app)) == 1
