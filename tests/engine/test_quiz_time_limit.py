"""Time limit: when it runs out the attempt is submitted with the answers given before it."""

from __future__ import annotations

from sqlmodel import col, select

from bot.app import App
from bot.clock import ManualClock
from handlers.events import Message
from handlers.texts import plain
from storage.models import Attempt, AttemptAnswer
from tests.support.client import Person


async def _stored(app: App, person: Person) -> tuple[Attempt, list[AttemptAnswer]]:
    """The one stored attempt of this person and its answers."""
    pid = await person.participant_id()
    async with app.db.session() as s:
        attempts = list(await s.exec(select(Attempt).where(Attempt.participant_id == pid)))
        assert len(attempts) == 1
        answers = list(
            await s.exec(
                select(AttemptAnswer)
                .where(AttemptAnswer.attempt_id == attempts[0].id)
                .order_by(col(AttemptAnswer.position))
            )
        )
    return attempts[0], answers


async def _answer_three(person: Person, clock: ManualClock) -> None:
    """Start, then answer right, wrong, right, a minute apart."""
    await person.register()
    await person.send("/thi")
    for right in (True, False, True):
        clock.advance(minutes=1)
        await person.answer(right=right)


async def test_tap_after_deadline_submits_with_answers_given_before_it(
    app: App, person: Person, clock: ManualClock
) -> None:
    await _answer_three(person, clock)
    clock.advance(minutes=8)  # 11 minutes in
    await person.answer(right=True)

    assert person.notices() == ["Đã hết giờ làm bài."]
    said = person.said
    assert "Hết giờ! Bài thi đã được nộp tự động" in said
    assert "Số câu đúng: 2/10" in said
    assert "Thời gian làm bài: 10 phút 00 giây" in said
    assert "Dự đoán của bạn: không có" in said
    assert "Câu 5/10" not in said

    attempt, answers = await _stored(app, person)
    assert attempt.auto_submitted
    assert attempt.correct == 2
    assert attempt.total == 10
    assert attempt.duration_ms == 10 * 60 * 1000
    assert attempt.prediction is None
    assert [a.choice is not None for a in answers] == [True] * 3 + [False] * 7
    assert await person.live() is None


async def test_tap_right_at_the_deadline_still_counts(
    app: App, person: Person, clock: ManualClock
) -> None:
    await _answer_three(person, clock)
    clock.advance(minutes=7)  # exactly 10 minutes in
    await person.answer(right=True)
    assert "Câu 5/10" in person.said
    live = await person.live()
    assert live is not None
    assert len(live.answers) == 4


async def test_sweep_after_deadline_submits_and_returns_the_result_for_that_user(
    app: App, person: Person, clock: ManualClock
) -> None:
    await _answer_three(person, clock)
    assert await app.engine.sweep() == []  # nothing is due yet

    clock.advance(minutes=7, seconds=1)
    owed = await app.engine.sweep()
    assert [key for key, _ in owed] == ["telegram:1001"]
    [(_, replies)] = owed
    text = "\n".join(plain(r.text) for r in replies if isinstance(r, Message))
    assert "Hết giờ! Bài thi đã được nộp tự động" in text
    assert "Số câu đúng: 2/10" in text

    attempt, answers = await _stored(app, person)
    assert attempt.auto_submitted
    assert attempt.correct == 2
    assert sum(a.choice is not None for a in answers) == 3
    assert await person.live() is None
    assert await app.svc.store.live_count() == 0

    # Sweeping again owes nothing, and a late tap changes nothing.
    assert await app.engine.sweep() == []
    await person.tap("A")
    assert person.notices() == ["Lượt thi này đã kết thúc."]
    attempt_again, _ = await _stored(app, person)
    assert attempt_again.correct == 2


async def test_prediction_typed_after_deadline_submits_without_it(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    await person.send("/thi")
    for i in range(10):
        clock.advance(seconds=30)
        await person.answer(right=i < 6)
    assert "Câu hỏi dự đoán" in person.said
    clock.advance(minutes=6)  # 11 minutes in
    await person.send("1500")

    said = person.said
    assert "Hết giờ! Bài thi đã được nộp tự động" in said
    assert "Số câu đúng: 6/10" in said
    assert "Dự đoán của bạn: không có" in said
    attempt, answers = await _stored(app, person)
    assert attempt.auto_submitted
    assert attempt.prediction is None
    assert attempt.correct == 6
    assert attempt.duration_ms == 10 * 60 * 1000
    assert all(a.choice is not None for a in answers)


async def test_thi_after_deadline_submits_the_old_attempt_first(
    app: App, person: Person, clock: ManualClock
) -> None:
    await _answer_three(person, clock)
    clock.advance(minutes=20)
    await person.send("/thi")
    said = person.said
    assert "Hết giờ! Bài thi đã được nộp tự động" in said
    assert "Số câu đúng: 2/10" in said
    assert "Hôm nay bạn đã thi 1/1 lượt" in said
    assert await person.live() is None
    attempt, _ = await _stored(app, person)
    assert attempt.auto_submitted
