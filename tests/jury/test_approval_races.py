"""Two organisers at once: one sets an entry aside (or restores one) while another approves.
Whatever the order the steps land in, the winners approved are those the rules give with the
entries set aside at the moment of approval: a cheater set aside a moment before never keeps
a prize, and an entry restored a moment before is not left without one."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.app import App
from bot.clock import ManualClock
from handlers.jury import actions
from handlers.jury.actions import JuryError
from handlers.rounds import close_round
from tests.conftest import vn
from tests.jury.planted import Planted, plant
from tests.jury.test_set_aside import prizes_by_the_rules, stored_prizes

Step = Callable[[], Awaitable[object]]


async def closed(app: App, clock: ManualClock) -> Planted:
    planted = await plant(app, clock)
    clock.set(vn(2023, 3, 31, 9, 0))
    await close_round(app.svc, "2023-Q1", actor="scheduler")
    return planted


def landing_after_the_first_read(app: App, monkeypatch: pytest.MonkeyPatch, other: Step) -> None:
    """The other organiser's step commits right after the approval first reads the entries
    set aside (before it approves), its prizes not allocated again yet."""
    read = app.svc.review.set_aside
    done: list[bool] = []

    async def racing(code: str) -> dict:
        seen = await read(code)
        if not done:
            done.append(True)
            await other()
        return seen

    monkeypatch.setattr(app.svc.review, "set_aside", racing)


async def test_a_cheater_set_aside_while_approving_wins_nothing(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = await closed(app, clock)
    bot, held = planted.ids["bot"], {planted.ids["zalo"]}
    assert bot in await stored_prizes(app)

    async def set_aside() -> object:
        # The first half of actions.set_aside: the entry is set aside, then its organiser's
        # process allocates the prizes again — after the approval, here.
        return await app.svc.review.put_aside(
            "2023-Q1", bot, reason="máy trả lời", actor="telegram:9000", now=clock.now()
        )

    landing_after_the_first_read(app, monkeypatch, set_aside)
    assert await actions.approve(app.svc, "2023-Q1", "cli:truongban")
    monkeypatch.undo()

    approved = await stored_prizes(app)
    assert bot not in approved
    assert approved == await prizes_by_the_rules(app, left_out=held | {bot})
    with pytest.raises(JuryError) as late:
        await actions.reallocate(app.svc, "2023-Q1")  # the setting aside's second half
    assert late.value.key == "jury.frozen"
    assert await stored_prizes(app) == approved


async def test_an_entry_restored_while_approving_gets_its_prize(
    app: App, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    planted = await closed(app, clock)
    bot, held = planted.ids["bot"], {planted.ids["zalo"]}
    await actions.set_aside(app.svc, "2023-Q1", bot, "nhầm", "cli:thuky")
    assert bot not in await stored_prizes(app)

    async def restore() -> object:
        return await app.svc.review.restore("2023-Q1", bot, actor="telegram:9000", now=clock.now())

    landing_after_the_first_read(app, monkeypatch, restore)
    assert await actions.approve(app.svc, "2023-Q1", "cli:truongban")
    monkeypatch.undo()

    assert await stored_prizes(app) == await prizes_by_the_rules(app, left_out=held)


async def test_an_entry_restored_just_before_approving_gets_its_prize(
    app: App, clock: ManualClock
) -> None:
    planted = await closed(app, clock)
    bot, held = planted.ids["bot"], {planted.ids["zalo"]}
    await actions.set_aside(app.svc, "2023-Q1", bot, "nhầm", "cli:thuky")
    # Restored; the restoring organiser's process has not allocated the prizes again yet.
    await app.svc.review.restore("2023-Q1", bot, actor="telegram:9000", now=clock.now())

    assert await actions.approve(app.svc, "2023-Q1", "cli:truongban")

    assert await stored_prizes(app) == await prizes_by_the_rules(app, left_out=held)
