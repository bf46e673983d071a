"""Closing a round: in-flight attempts submitted, actual figure fixed, prizes stored once."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from handlers.rounds import close_round, reconcile, round_results
from tests.conftest import vn
from tests.support.client import Person

INSIDER = "0911111111"


async def _people(app: App) -> dict[str, int]:
    """An insider (secretariat) with 10 right, then 8, 6, and one attempt still in flight."""
    app.svc.contest = app.contest.model_copy(update={"excluded_phones": ["+84911111111"]})
    ids = {}
    for uid, phone, right in [("1", INSIDER, 10), ("2", "0922222222", 8), ("3", "0933333333", 6)]:
        p = Person.on(app, "telegram", uid, "x")
        await p.register(phone=phone)
        await p.take_attempt(correct=right)
        ids[phone] = await p.participant_id()
    late = Person.on(app, "zalo", "4", "y")
    await late.register(phone="0944444444")
    await late.send("/thi")
    for _ in range(3):
        await late.answer(right=True)
    ids["0944444444"] = await late.participant_id()
    return ids


async def test_reconcile_closes_the_round_once_and_awards_past_the_insider(
    app: App, clock: ManualClock
) -> None:
    ids = await _people(app)
    clock.set(vn(2023, 3, 31, 0, 0, 0))

    assert await reconcile(app.svc) == [("2023-Q1", "close")]
    assert await reconcile(app.svc) == []

    results = await round_results(app.svc, "2023-Q1")
    assert results.final
    assert results.actual == 4
    assert [r.participant_id for r in results.ranking] == [
        ids[INSIDER],
        ids["0922222222"],
        ids["0933333333"],
        ids["0944444444"],
    ]
    assert [(a.tier, a.participant_id) for a in results.awards] == [
        ("first", ids["0922222222"]),
        ("second", ids["0933333333"]),
        ("second", ids["0944444444"]),
    ]
    late = await app.svc.attempts.scored("2023-Q1", ids["0944444444"])
    assert [s.correct for s in late] == [3]
    assert await app.svc.store.attempt(ids["0944444444"]) is None


async def test_closing_again_keeps_the_stored_winners(app: App, clock: ManualClock) -> None:
    ids = await _people(app)
    clock.set(vn(2023, 3, 31, 0, 0, 0))
    first = await close_round(app.svc, "2023-Q1", actor="test")
    # The file changes after the close: the stored prizes stand.
    app.svc.contest = app.contest.model_copy(update={"excluded_phones": []})

    clock.advance(days=1)
    again = await close_round(app.svc, "2023-Q1", actor="test")

    assert again.awards == first.awards
    assert first.awards[0].participant_id == ids["0922222222"]
    stored = await app.svc.winners.of_round("2023-Q1")
    assert [(w.tier, w.participant_id) for w in stored] == [
        (a.tier, a.participant_id) for a in first.awards
    ]
    rnd = await app.svc.rounds.get("2023-Q1")
    assert rnd is not None
    assert rnd.closed_at == vn(2023, 3, 31, 0, 0, 0)
    assert rnd.actual_figure == 4
    actions = [e.action for e in await app.svc.audit.recent()]
    assert actions.count("round.close") == 1
    assert actions.count("round.winners") == 1
