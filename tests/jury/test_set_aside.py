"""The jury sets the bot-speed winner aside: the entry stays in the data and the ranking, the
prizes move down the ranking exactly as the tie-break rules give them (worked out here from
the stored answers, not by the code under test), and restoring it brings them back."""

from __future__ import annotations

from collections.abc import Collection

import pytest
from sqlalchemy import text

from bot.app import App
from bot.clock import ManualClock
from bot.scheduler import ContestJobs
from handlers.jury import actions
from handlers.jury.actions import JuryError
from handlers.jury.review import review
from handlers.rounds import close_round
from tests.conftest import vn
from tests.jury.planted import PRIZES, plant

TIERS = [t for p in PRIZES for t in [p["tier"]] * p["count"]]


async def prizes_by_the_rules(app: App, *, left_out: Collection[int]) -> dict[int, str]:
    """The prizes as the contest rules give them, from the answers stored in SQL: right
    answers counted against the questions, best attempt per person; more right, then the
    prediction closer to the number who took part, then less time, then earlier."""
    async with app.svc.db.engine.connect() as s:
        attempts = (
            await s.execute(
                text(
                    "SELECT id, participant_id, prediction, duration_ms, submitted_at "
                    "FROM attempts WHERE round_code = '2023-Q1'"
                )
            )
        ).all()
        right = dict(
            (
                await s.execute(
                    text(
                        "SELECT a.attempt_id, SUM(CASE WHEN a.choice = q.correct THEN 1 ELSE 0 END)"
                        " FROM attempt_answers a JOIN questions q ON q.id = a.question_id"
                        " GROUP BY a.attempt_id"
                    )
                )
            ).all()
        )
    actual = len({pid for _, pid, *_ in attempts})

    def key(row: tuple) -> tuple:
        attempt_id, _, prediction, duration, submitted = row
        distance = abs(prediction - actual) if prediction is not None else 10**9
        return (-right[attempt_id], distance, duration, submitted)

    best: dict[int, tuple] = {}
    for row in attempts:
        if row[1] not in best or key(row) < key(best[row[1]]):
            best[row[1]] = row
    order = [row[1] for row in sorted(best.values(), key=key)]
    eligible = [pid for pid in order if pid not in left_out]
    return dict(zip(eligible, TIERS, strict=False))


async def stored_prizes(app: App) -> dict[int, str]:
    return {w.participant_id: w.tier for w in await app.svc.winners.of_round("2023-Q1")}


async def test_setting_the_bot_aside_moves_the_prizes_down_the_ranking(
    app: App, clock: ManualClock
) -> None:
    planted = await plant(app, clock)
    ids = planted.ids
    clock.set(vn(2023, 3, 31, 9, 0))
    await close_round(app.svc, "2023-Q1", actor="scheduler")
    held = {ids["zalo"]}
    assert await stored_prizes(app) == await prizes_by_the_rules(app, left_out=held)

    assert await actions.set_aside(
        app.svc, "2023-Q1", ids["bot"], "Trả lời 0,4 giây mỗi câu: máy", actor="telegram:9000"
    )

    after = await stored_prizes(app)
    assert after == await prizes_by_the_rules(app, left_out=held | {ids["bot"]})
    assert after == {
        ids["hung"]: "first",
        ids["edited"]: "second",
        ids["hai"]: "third",
        ids["hoa"]: "third",
    }
    # Kept in the data and in the ranking, out of the prizes, with the jury's reason.
    page = await review(app.svc, "2023-Q1", 1)
    bot = next(e for e in page.entries if e.place.participant_id == ids["bot"])
    assert bot.place.rank == 1
    assert bot.tier == ""
    assert bot.aside is not None
    assert bot.aside.reason == "Trả lời 0,4 giây mỗi câu: máy"
    assert bot.aside.actor == "telegram:9000"
    assert page.set_aside == 1
    # Setting it aside again changes nothing.
    assert not await actions.set_aside(app.svc, "2023-Q1", ids["bot"], "lần nữa", "cli:x")

    assert await actions.restore(app.svc, "2023-Q1", ids["bot"], "cli:thuky")
    assert await stored_prizes(app) == await prizes_by_the_rules(app, left_out=held)

    audit = [
        (e.actor, e.action, e.detail.get("participant"))
        for e in reversed(await app.svc.audit.recent(action="round."))
    ]
    assert ("telegram:9000", "round.set_aside", ids["bot"]) in audit
    assert ("cli:thuky", "round.restore", ids["bot"]) in audit


async def test_a_winner_who_keeps_a_prize_keeps_the_identity_stored_at_closing(
    app: App, clock: ManualClock
) -> None:
    planted = await plant(app, clock)
    ids = planted.ids
    clock.set(vn(2023, 3, 31, 9, 0))
    await close_round(app.svc, "2023-Q1", actor="scheduler")
    before = {w.participant_id: w.full_name for w in await app.svc.winners.of_round("2023-Q1")}

    await actions.set_aside(app.svc, "2023-Q1", ids["bot"], "máy", "cli:thuky")

    after = {w.participant_id: w.full_name for w in await app.svc.winners.of_round("2023-Q1")}
    assert after[ids["hung"]] == before[ids["hung"]] == "Phan Văn Hùng"
    assert after[ids["hoa"]] == "Bùi Thị Hoa"


async def test_after_approval_nothing_can_be_set_aside_or_restored(
    app: App, clock: ManualClock, jobs: ContestJobs
) -> None:
    planted = await plant(app, clock)
    ids = planted.ids
    clock.set(vn(2023, 3, 31, 9, 0))
    await close_round(app.svc, "2023-Q1", actor="scheduler")
    await actions.set_aside(app.svc, "2023-Q1", ids["bot"], "máy", "cli:thuky")
    assert await actions.approve(app.svc, "2023-Q1", "cli:truongban")
    frozen = await stored_prizes(app)

    with pytest.raises(JuryError) as refused:
        await actions.set_aside(app.svc, "2023-Q1", ids["hung"], "thử", "cli:thuky")
    assert refused.value.key == "jury.frozen"
    with pytest.raises(JuryError):
        await actions.restore(app.svc, "2023-Q1", ids["bot"], "cli:thuky")
    assert await stored_prizes(app) == frozen
    assert await actions.decided(app.svc, "2023-Q1")


async def test_a_round_still_open_cannot_be_reviewed_or_approved(
    app: App, clock: ManualClock
) -> None:
    planted = await plant(app, clock)
    with pytest.raises(JuryError) as refused:
        await actions.approve(app.svc, "2023-Q1", "cli:truongban")
    assert refused.value.key == "jury.not_closed"
    with pytest.raises(JuryError):
        await actions.set_aside(app.svc, "2023-Q1", planted.ids["bot"], "máy", "cli:thuky")
    assert not await actions.decided(app.svc, "2023-Q1")
    assert await app.svc.winners.of_round("2023-Q1") == []


async def test_a_reason_is_needed_to_set_an_entry_aside(app: App, clock: ManualClock) -> None:
    planted = await plant(app, clock)
    clock.set(vn(2023, 3, 31, 9, 0))
    await close_round(app.svc, "2023-Q1", actor="scheduler")
    with pytest.raises(JuryError) as refused:
        await actions.set_aside(app.svc, "2023-Q1", planted.ids["bot"], "   ", "cli:thuky")
    assert refused.value.key == "jury.reason_needed"
    assert await app.svc.review.set_aside("2023-Q1") == {}
