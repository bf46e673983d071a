"""/diem: what a participant sees before any attempt, and that their best attempt counts."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from handlers.rounds import reconcile
from tests.conftest import vn
from tests.support.client import Person


async def _attempt(
    person: Person, clock: ManualClock, *, correct: int, seconds: int, prediction: int | None
) -> None:
    """One attempt taking `seconds` in all (spread over the ten questions)."""
    await person.send("/thi")
    for i in range(10):
        clock.advance(seconds=seconds / 10)
        await person.answer(right=i < correct)
    if prediction is not None:
        await person.send(str(prediction))
    assert "Bạn đã nộp bài" in person.said


async def test_score_before_registering_asks_to_register(app: App, person: Person) -> None:
    await person.send("/diem")
    assert "Bạn cần đăng ký trước khi thi" in person.said


async def test_score_before_any_attempt_says_none_yet(app: App, person: Person) -> None:
    await person.register()
    await person.send("/diem")
    said = person.said
    assert "Kết quả của bạn" in said
    assert "Quý 1: bạn chưa thi lượt nào." in said
    assert "Kết quả tốt nhất" not in said


async def test_score_outside_any_round_before_any_attempt_offers_the_quiz(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    clock.set(vn(2023, 3, 31, 8, 0))
    await reconcile(app.svc)
    await person.send("/diem")
    assert "Bạn chưa có lượt thi nào" in person.said


async def test_more_correct_answers_count_even_when_slower_and_earlier(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    await _attempt(person, clock, correct=8, seconds=400, prediction=500)
    clock.set(vn(2023, 2, 21, 9, 0))
    await _attempt(person, clock, correct=6, seconds=60, prediction=1)
    await person.send("/diem")
    said = person.said
    assert "Kết quả tốt nhất: 8/10 câu đúng, 6 phút 40 giây, dự đoán 500" in said
    assert "Thứ hạng: 1/1 · Số lượt đã thi: 2" in said


async def test_same_correct_the_closer_prediction_counts(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    # One participant so far, so the closer prediction is the one nearer 1.
    await _attempt(person, clock, correct=7, seconds=60, prediction=500)
    clock.set(vn(2023, 2, 21, 9, 0))
    await _attempt(person, clock, correct=7, seconds=300, prediction=2)
    await person.send("/diem")
    assert "Kết quả tốt nhất: 7/10 câu đúng, 5 phút 00 giây, dự đoán 2" in person.said


async def test_same_correct_and_prediction_the_shorter_time_counts(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    await _attempt(person, clock, correct=7, seconds=90, prediction=100)
    clock.set(vn(2023, 2, 21, 9, 0))
    await _attempt(person, clock, correct=7, seconds=300, prediction=100)
    await person.send("/diem")
    assert "Kết quả tốt nhất: 7/10 câu đúng, 1 phút 30 giây, dự đoán 100" in person.said


async def test_rank_uses_each_persons_best_attempt(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    other = Person.on(app, "zalo", "z2", "Bình")
    await other.register(name="Trần Văn Bình", phone="0987654321", typed_phone=True)

    await _attempt(person, clock, correct=9, seconds=200, prediction=2)
    await _attempt(other, clock, correct=8, seconds=100, prediction=2)
    assert "Thứ hạng tạm thời trong đợt: 2/2" in other.said

    clock.set(vn(2023, 2, 21, 9, 0))
    await _attempt(person, clock, correct=3, seconds=50, prediction=2)
    assert "Số câu đúng: 3/10" in person.said
    assert "Thứ hạng tạm thời trong đợt: 1/2" in person.said

    await person.send("/diem")
    assert "Kết quả tốt nhất: 9/10 câu đúng, 3 phút 20 giây, dự đoán 2" in person.said
    assert "Thứ hạng: 1/2 · Số lượt đã thi: 2" in person.said
    await other.send("/diem")
    assert "Kết quả tốt nhất: 8/10" in other.said
    assert "Thứ hạng: 2/2 · Số lượt đã thi: 1" in other.said


async def test_score_lists_attempts_left_today(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    await _attempt(person, clock, correct=5, seconds=60, prediction=10)
    await person.send("/diem")
    assert "Lượt thi còn lại hôm nay: 0" in person.said
    clock.set(vn(2023, 2, 21, 9, 0))
    await person.send("/diem")
    assert "Lượt thi còn lại hôm nay: 1" in person.said
