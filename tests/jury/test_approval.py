"""Approval announces the winners once: each winner congratulated, everyone who took part
and the announcement chat told the winners (names masked), the organisers given the internal
workbook and the certificates; approving twice, or a process dying halfway through the
announcements and the next one catching up, announces nothing twice."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from bot.app import App
from bot.broadcast import Broadcaster
from bot.clock import ManualClock
from bot.scheduler import ContestJobs, Scheduler
from handlers import announce, verification
from handlers.jury import actions
from handlers.rounds import close_round
from storage.repos.certificate_codes import CertificateCodes
from tests.conftest import vn
from tests.jury.planted import Planted, plant
from tests.scheduler.conftest import ORGANISER, lead, run_at
from tests.scheduler.recording import RecordingChannel


async def closed_with_the_bot_set_aside(
    app: App, clock: ManualClock, scheduler: Scheduler
) -> Planted:
    planted = await plant(app, clock)
    await lead(scheduler)
    await run_at(scheduler, clock, "close:2023-Q1")
    clock.set(vn(2023, 3, 31, 9, 0))
    await actions.set_aside(app.svc, "2023-Q1", planted.ids["bot"], "máy trả lời", "cli:thuky")
    return planted


def assert_announced_once(planted: Planted, channel: RecordingChannel, chat: str) -> None:
    winners = {"hung": "Giải Nhất", "edited": "Giải Nhì", "hai": "Giải Ba", "hoa": "Giải Ba"}
    for who, prize in winners.items():
        mine = [m for m in channel.to(planted.uid(who)) if "Chúc mừng" in m]
        assert len(mine) == 1, who
        assert prize in mine[0]
    [post] = channel.to(chat)
    assert "Kết quả Quý 1" in post
    assert "• Giải Nhất: Phan V. H. (Hoa Lư)" in post
    assert "Lý V. M." not in post  # set aside
    assert "Trịnh V. G." not in post  # on hold
    for who in ("bot", "van", "hung", "hai"):
        said = channel.to(planted.uid(who))
        assert [m for m in said if "Kết quả Quý 1" in m] == [post], who
    assert not any("Chúc mừng" in m for m in channel.to(planted.uid("bot")))
    assert sorted(name for to, name in channel.documents if to == ORGANISER) == [
        "giay-chung-nhan-2023-Q1.zip",
        "ket-qua-2023-Q1-noi-bo.xlsx",
    ]


async def test_approving_twice_announces_once(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
    chat: str,
) -> None:
    planted = await closed_with_the_bot_set_aside(app, clock, scheduler)
    await broadcaster.run_once()
    assert channel.to(chat) == []

    assert await actions.approve(app.svc, "2023-Q1", "telegram:9000")
    assert not await actions.approve(app.svc, "2023-Q1", "cli:truongban")
    await broadcaster.run_once()
    assert not await actions.approve(app.svc, "2023-Q1", "telegram:9000")
    await broadcaster.run_once()

    assert_announced_once(planted, channel, chat)
    # The certificates the organisers got carry a verification code per winner, none for
    # the entry set aside.
    codes = CertificateCodes(app.svc.db)
    for who in ("hung", "edited", "hai", "hoa"):
        live = await codes.live("2023-Q1", planted.ids[who])
        assert live is not None
        assert (await verification.verify(app.svc, live.code)).status == verification.Status.VALID
    assert await codes.live("2023-Q1", planted.ids["bot"]) is None
    approvals = [
        (e.actor, e.detail["winners"]) for e in await app.svc.audit.recent(action="round.approve")
    ]
    assert approvals == [("telegram:9000", 4)]


async def test_a_restart_halfway_through_the_announcements_finishes_them_once(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    jobs: ContestJobs,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
    chat: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    planted = await closed_with_the_bot_set_aside(app, clock, scheduler)

    class Died(BaseException):
        """The process dying after the organisers' files were made, before the winners'."""

    async def dies(*_: Any, **__: Any) -> None:
        raise Died

    with monkeypatch.context() as m:
        m.setattr(announce, "announce_results", dies)
        with pytest.raises(Died):
            await actions.approve(app.svc, "2023-Q1", "telegram:9000")
    await broadcaster.run_once()
    assert channel.to(chat) == []  # only the organisers' files went out

    # The next process catches up: the approved round's announcements are finished.
    clock.advance(minutes=5)
    assert (await jobs.reconcile()).done == ["announce:2023-Q1"]
    assert (await jobs.reconcile()).done == []
    assert not await actions.approve(app.svc, "2023-Q1", "telegram:9000")
    await broadcaster.run_once()
    await broadcaster.run_once()

    assert_announced_once(planted, channel, chat)


async def test_auto_approval_announces_at_closing(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
    chat: str,
) -> None:
    planted = await plant(app, clock)
    results = app.svc.contest.results.model_copy(update={"approval": "auto"})
    app.svc.contest = app.svc.contest.model_copy(update={"results": results})
    await lead(scheduler)
    await run_at(scheduler, clock, "close:2023-Q1")
    clock.set(vn(2023, 3, 31, 9, 0))
    await broadcaster.run_once()

    assert (await close_round(app.svc, "2023-Q1", actor="cli")).approved
    rnd = await app.svc.rounds.get("2023-Q1")
    assert rnd is not None
    assert rnd.approved_by == "auto"
    [post] = channel.to(chat)
    assert "• Giải Nhất: Lý V. M. (Hoa Lư)" in post  # nobody reviewed it
    assert not any("tạm tính" in m for m in channel.to(ORGANISER))
    assert [m for m in channel.to(planted.uid("bot")) if "Chúc mừng" in m] != []


async def test_a_set_aside_cut_short_before_the_prizes_moved_is_finished_by_the_approval(
    app: App, clock: ManualClock, scheduler: Scheduler
) -> None:
    planted = await plant(app, clock)
    await lead(scheduler)
    await run_at(scheduler, clock, "close:2023-Q1")
    # The process dies after the entry was set aside, before the prizes were allocated again.
    await app.svc.review.put_aside(
        "2023-Q1", planted.ids["bot"], reason="máy", actor="cli:thuky", now=clock.now()
    )
    assert planted.ids["bot"] in {
        w.participant_id for w in await app.svc.winners.of_round("2023-Q1")
    }

    await actions.approve(app.svc, "2023-Q1", "cli:truongban")

    tiers = {w.participant_id: w.tier for w in await app.svc.winners.of_round("2023-Q1")}
    assert planted.ids["bot"] not in tiers
    assert tiers[planted.ids["hung"]] == "first"


async def test_two_organisers_approving_at_once_announce_once(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
    chat: str,
) -> None:
    planted = await closed_with_the_bot_set_aside(app, clock, scheduler)

    done = await asyncio.gather(
        actions.approve(app.svc, "2023-Q1", "telegram:9000"),
        actions.approve(app.svc, "2023-Q1", "cli:truongban"),
        actions.approve(app.svc, "2023-Q1", "telegram:9001"),
    )
    await broadcaster.run_once()

    assert sorted(done) == [False, False, True]
    assert_announced_once(planted, channel, chat)
    assert len(await app.svc.audit.recent(action="round.approve")) == 1
