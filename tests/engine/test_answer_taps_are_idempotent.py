"""Answers are recorded once: a second tap, an old question's button or a replay change nothing."""

from __future__ import annotations

import asyncio

from bot.app import App
from bot.clock import ManualClock
from handlers.answer_tokens import answer_token
from handlers.events import Choice, Notice
from storage.models import AttemptAnswer
from storage.session import LiveAttempt
from tests.support.client import Person


async def _started(person: Person) -> LiveAttempt:
    await person.register()
    live = await person.start_attempt()
    return live


async def test_second_tap_on_same_question_changes_nothing(
    app: App, person: Person, clock: ManualClock
) -> None:
    live = await _started(person)
    first = person.last_question()
    clock.advance(seconds=5)
    await person.tap("A")
    assert person.notices() == ["Đã ghi nhận"]
    assert "✓ Câu 1: đã ghi nhận A\n\nCâu 2/10" in person.said

    clock.advance(seconds=5)
    b_on_first = first.buttons[0][1].token
    await person.tap_token(b_on_first)
    assert person.notices() == ["Câu này bạn đã trả lời rồi."]
    assert person.messages() == []

    after = await person.live()
    assert after is not None
    assert after.next_index == 1
    assert after.answers == {0: (0, live.started_ms + 5000)}


async def test_tap_on_an_earlier_questions_button_changes_nothing(app: App, person: Person) -> None:
    await _started(person)
    first = person.last_question()
    await person.tap("A")
    second = person.last_question()
    await person.tap("B")
    await person.tap("C")
    before = await person.live()
    assert before is not None

    for old in (first, second):
        for button in old.buttons[0]:
            await person.tap_token(button.token)
            assert person.notices() == ["Câu này bạn đã trả lời rồi."]
            assert person.messages() == []
    assert await person.live() == before
    assert "Câu 4/10" in person.texts([person.last_question()])[0]


async def test_replayed_choice_event_changes_nothing(app: App, person: Person) -> None:
    live = await _started(person)
    token = answer_token(live.code, 0, 2)
    event = Choice(person.user, token, ref="m1")
    first = await app.engine.handle(event)
    second = await app.engine.handle(event)
    # The notice, and the next question in place of the one answered.
    assert [type(r).__name__ for r in first] == ["Notice", "Message"]
    assert first[1].replace == "m1"  # type: ignore[union-attr]
    assert [type(r).__name__ for r in second] == ["Notice"]

    after = await person.live()
    assert after is not None
    assert after.next_index == 1
    assert set(after.answers) == {0}
    assert after.answers[0][0] == 2


async def test_first_answer_is_the_one_stored_after_submitting(app: App, person: Person) -> None:
    live = await _started(person)
    first = person.last_question()
    await person.answer(right=False)
    answered = await person.live()
    assert answered is not None
    shown, at = answered.answers[0]
    for button in first.buttons[0]:  # the right one among them
        await person.tap_token(button.token)
    for _ in range(9):
        await person.answer(right=True)
    await person.send("100")
    assert "Số câu đúng: 9/10" in person.said

    attempt = await app.svc.attempts.by_code(live.code)
    assert attempt is not None
    assert attempt.correct == 9
    async with app.db.session() as s:
        row = await s.get(AttemptAnswer, (attempt.id, 0))
    assert row is not None
    assert row.choice == live.orders[0][shown]
    assert row.answered_at is not None
    assert int(row.answered_at.timestamp() * 1000) == at


async def test_tap_during_the_prediction_changes_nothing(app: App, person: Person) -> None:
    await _started(person)
    for _ in range(10):
        await person.answer(right=True)
    assert "Câu hỏi dự đoán" in person.said
    last = person.last_question()
    before = await person.live()
    await person.tap_token(last.buttons[0][0].token)
    assert person.notices() == ["Câu này bạn đã trả lời rồi."]
    assert await person.live() == before


async def test_tap_on_a_finished_attempts_button_changes_nothing(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    await person.take_attempt(correct=4)
    old_question = person.last_question()
    await person.tap_token(old_question.buttons[0][0].token)
    assert person.notices() == ["Lượt thi này đã kết thúc."]  # and no other is going on

    clock.advance(days=1)
    live = await person.start_attempt()
    await person.tap_token(old_question.buttons[0][0].token)
    # The attempt going on is not the one that ended: the old button is simply not current.
    assert person.replies == [Notice("Nút này không còn hiệu lực.")]
    assert await person.live() == live
    assert await app.svc.attempts.count(await person.participant_id(), "2023-Q1") == 1


async def test_two_taps_racing_on_one_question_record_one_answer(app: App, person: Person) -> None:
    live = await _started(person)
    taps = [Choice(person.user, answer_token(live.code, 0, shown)) for shown in (1, 3)]
    first, second = await asyncio.gather(*(app.engine.handle(tap) for tap in taps))
    notices = sorted(r.text for r in (*first, *second) if isinstance(r, Notice))
    assert notices == ["Câu này bạn đã trả lời rồi.", "Đã ghi nhận"]
    after = await person.live()
    assert after is not None
    assert after.next_index == 1
    assert list(after.answers) == [0]


async def test_two_quiz_commands_racing_start_one_attempt(app: App, person: Person) -> None:
    await person.register()
    await asyncio.gather(person.send("/thi"), person.send("/thi"))
    assert await app.svc.store.live_count() == 1
    live = await person.live()
    assert live is not None
    assert live.next_index == 0
