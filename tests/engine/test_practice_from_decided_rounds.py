"""Without a practice bank, practice draws the questions asked in rounds already decided, and
never one the live round's bank still holds."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from tests.conftest import vn
from tests.support.banks import use_own_bank
from tests.support.client import Person
from tests.support.review import decide

NONE_YET = (
    "Hiện chưa có câu hỏi thi thử: câu hỏi của các đợt thi đã có kết quả sẽ được dùng để thi "
    "thử. Bạn quay lại sau nhé."
)


async def _one_attempt(app: App, person: Person) -> list[str]:
    """Register and take one attempt; the texts of the questions it asked, sorted."""
    await person.register()
    live = await person.start_attempt()
    asked = await app.svc.pool.get_many(live.question_ids)
    for i in range(10):
        await person.answer(i < 6)
    await person.send("500")
    return sorted(q.text for q in asked.values())


async def _practised(app: App, person: Person) -> list[str]:
    """The texts of the questions of the practice going on, sorted."""
    practice = await app.svc.practice.get(await person.participant_id())
    assert practice is not None
    drawn = await app.svc.pool.get_many(practice.question_ids)
    return sorted(q.text for q in drawn.values())


async def test_practice_waits_for_a_decided_round_then_draws_its_questions(
    app: App, person: Person, clock: ManualClock
) -> None:
    asked = await _one_attempt(app, person)

    await person.send("/thithu")
    assert person.said == NONE_YET  # Quý 1 is still running

    clock.set(vn(2023, 4, 2, 8, 0))
    await decide(app)
    await person.send("/thithu")
    assert person.said == NONE_YET  # Quý 2 draws from the same bank: nothing of it is shown

    await use_own_bank(app, "Ngân hàng Quý 2")
    await person.send("/thithu")
    assert await _practised(app, person) == asked
    assert "🎯 Thi thử · Câu 1/10" in person.said


async def test_once_every_round_is_decided_practice_draws_the_bank_they_all_shared(
    app: App, person: Person, clock: ManualClock
) -> None:
    # Every round drew from the active bank; once the last is decided, nothing asks its
    # questions any more and practice offers them.
    asked = await _one_attempt(app, person)

    clock.set(vn(2023, 12, 2, 8, 0))
    for code in ("2023-Q1", "2023-Q2", "2023-Q3"):
        await decide(app, code)
    await person.send("/thithu")
    assert person.said == NONE_YET  # Quý 4 is decided last: until then it still asks them

    await decide(app, "2023-Q4")
    await person.send("/thithu")
    assert await _practised(app, person) == asked
