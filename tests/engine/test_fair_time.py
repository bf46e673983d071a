"""Time that is fair to the participant: each question counts from when the platform accepted
the message showing it, so the time the bot spent queueing it (under Telegram's limits) is
neither in the recorded time nor taken from the time limit."""

from __future__ import annotations

from sqlmodel import select

from bot.app import App
from bot.clock import ManualClock
from handlers.events import Reply
from storage.models import Attempt
from tests.support.client import Person

QUESTIONS = 10


async def _recorded_ms(app: App, person: Person) -> int:
    pid = await person.participant_id()
    async with app.db.session() as s:
        [attempt] = list(await s.exec(select(Attempt).where(Attempt.participant_id == pid)))
    return attempt.duration_ms


async def _shown_after(app: App, clock: ManualClock, replies: list[Reply], queued: float) -> None:
    """The bot's replies reach the participant `queued` seconds after it made them."""
    clock.advance(seconds=queued)
    await app.engine.delivered(replies)


async def test_the_time_the_bot_queues_a_question_is_not_the_participants(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    await _shown_after(app, clock, await person.send("/thi"), queued=3)
    for _ in range(QUESTIONS):
        clock.advance(seconds=4)  # thinking
        await _shown_after(app, clock, await person.answer(right=True), queued=2.5)
    clock.advance(seconds=6)
    await person.send("1500")

    assert "Số câu đúng: 10/10" in person.said
    # Ten questions of 4 s and a prediction of 6 s: 46 s, not the 3 + 10 × 2.5 s of queueing.
    assert "Thời gian làm bài: 46 giây" in person.said
    assert await _recorded_ms(app, person) == 46_000


async def test_the_deadline_moves_on_by_the_time_the_bot_took_to_show_each_question(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    live = await person.start_attempt()
    limit = live.deadline_ms - live.started_ms
    await _shown_after(app, clock, person.replies, queued=2)
    clock.advance(seconds=5)
    await _shown_after(app, clock, await person.answer(right=True), queued=3)

    moved = await person.live()
    assert moved is not None
    assert moved.deadline_ms - moved.started_ms == limit + 5_000
    # Reported twice (a retried edit, a second process): counted once.
    await app.engine.delivered(person.replies)
    again = await person.live()
    assert again is not None
    assert again.deadline_ms == moved.deadline_ms


async def test_a_question_shown_after_the_deadline_gives_no_time_back(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    live = await person.start_attempt()
    await _shown_after(app, clock, person.replies, queued=11 * 60)

    after = await person.live()
    assert after is not None
    assert after.deadline_ms == live.deadline_ms


async def test_without_a_report_of_delivery_time_runs_from_the_start_as_before(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    await person.send("/thi")
    for _ in range(QUESTIONS):
        clock.advance(seconds=3)
        await person.answer(right=False)
    clock.advance(seconds=5)
    await person.send("1500")

    assert await _recorded_ms(app, person) == 35_000


async def test_of_two_equal_results_the_one_who_thought_less_ranks_first_whatever_the_queue(
    app: App, clock: ManualClock
) -> None:
    slow_queue = Person.on(app, "telegram", "2001", "Bình")
    quick_queue = Person.on(app, "telegram", "2002", "Chi")
    await slow_queue.register(name="Trần Văn Bình", phone="0912000001")
    await quick_queue.register(name="Lê Thị Chi", phone="0912000002")
    # Bình thinks 3 s a question but waits 4 s for each at the evening peak; Chi thinks 4 s
    # and waits for nothing. Bình took longer in all, and thought less.
    for person, thinking, queued in ((slow_queue, 3, 4.0), (quick_queue, 4, 0.0)):
        await _shown_after(app, clock, await person.send("/thi"), queued)
        for _ in range(QUESTIONS):
            clock.advance(seconds=thinking)
            await _shown_after(app, clock, await person.answer(right=True), queued)
        clock.advance(seconds=thinking)
        await person.send("1500")

    assert await _recorded_ms(app, slow_queue) == 33_000
    assert await _recorded_ms(app, quick_queue) == 44_000
    await slow_queue.send("/diem")
    await quick_queue.send("/diem")
    assert "Thứ hạng: 1/2" in slow_queue.said
    assert "Thứ hạng: 2/2" in quick_queue.said
