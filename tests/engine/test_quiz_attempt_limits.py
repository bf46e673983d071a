"""Attempt limits: per day (default one) and per round, with the day the next one is allowed."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from tests.conftest import vn
from tests.support.client import Person


def _set_rules(app: App, **rules: object) -> None:
    app.svc.contest = app.contest.model_copy(
        update={"rules": app.contest.rules.model_copy(update=rules)}
    )


async def _attempts(app: App, person: Person) -> int:
    return await app.svc.attempts.count(await person.participant_id(), "2023-Q1")


async def test_second_attempt_the_same_day_is_refused_with_the_next_days_date(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    await person.take_attempt(correct=5)
    assert "Lượt thi còn lại hôm nay: 0" in person.said

    clock.advance(hours=15, minutes=59)  # 23:59 the same day
    await person.send("/thi")
    assert "Hôm nay bạn đã thi 1/1 lượt. Mời bạn quay lại từ ngày 21/02/2023." in person.said
    assert "Câu 1/10" not in person.said
    assert await person.live() is None
    assert await _attempts(app, person) == 1


async def test_next_day_a_new_attempt_is_allowed(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    await person.take_attempt(correct=5)
    clock.set(vn(2023, 2, 21, 0, 0))
    await person.send("/thi")
    assert "Câu 1/10" in person.said
    assert await person.live() is not None


async def test_attempt_started_before_midnight_counts_for_the_day_it_started(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    clock.set(vn(2023, 2, 20, 23, 55))
    await person.take_attempt(correct=5, prediction=None)
    clock.set(vn(2023, 2, 21, 0, 1))
    await person.send("123")  # the prediction, after midnight
    assert "Bạn đã nộp bài" in person.said

    await person.send("/thi")
    assert "Câu 1/10" in person.said


async def test_more_attempts_a_day_when_the_rules_allow_them(
    app: App, person: Person, clock: ManualClock
) -> None:
    _set_rules(app, attempts_per_day=2)
    await person.register()
    await person.take_attempt(correct=5)
    assert "Lượt thi còn lại hôm nay: 1" in person.said
    await person.take_attempt(correct=6)
    assert "Bạn đã nộp bài" in person.said
    assert "Lượt thi còn lại hôm nay: 0" in person.said
    await person.send("/thi")
    assert "Hôm nay bạn đã thi 2/2 lượt. Mời bạn quay lại từ ngày 21/02/2023." in person.said
    assert await _attempts(app, person) == 2


async def test_round_limit_refuses_the_third_attempt_with_its_own_message(
    app: App, person: Person, clock: ManualClock
) -> None:
    _set_rules(app, attempts_per_round=2)
    await person.register()
    await person.take_attempt(correct=5)
    assert "Lượt thi còn lại hôm nay: 0 (cả đợt: 1)" in person.said
    clock.advance(days=1)
    await person.take_attempt(correct=6)
    assert "Lượt thi còn lại hôm nay: 0 (cả đợt: 0)" in person.said
    clock.advance(days=1)

    await person.send("/thi")
    assert "Bạn đã dùng hết 2 lượt thi của Quý 1" in person.said
    assert "quay lại" not in person.said
    assert await person.live() is None
    assert await _attempts(app, person) == 2


async def test_refusal_on_the_last_day_of_the_round_says_it_is_the_last_day(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    clock.set(vn(2023, 3, 30, 9, 0))
    await person.take_attempt(correct=5)
    await person.send("/thi")
    said = person.said
    assert "đây là ngày cuối của Quý 1" in said
    assert "31/03/2023" not in said
    assert await person.live() is None


async def test_attempt_near_the_close_ends_when_the_round_closes(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    clock.set(vn(2023, 3, 30, 23, 55))
    await person.send("/thi")
    assert "Câu 1/10" in person.said
    assert "còn 04:59" in person.said
    await person.answer(right=True)
    clock.set(vn(2023, 3, 31, 0, 0, 30))
    await person.answer(right=True)
    assert "Hết giờ! Bài thi đã được nộp tự động" in person.said
    assert "Số câu đúng: 1/10" in person.said
