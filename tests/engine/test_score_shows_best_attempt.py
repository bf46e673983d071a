"""/diem: what a participant sees before any attempt, and that their best attempt counts."""

from __future__ import annotations

import pytest

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


# (correct, seconds, prediction) of a first attempt, then of a second one a day later; what
# /diem shows as the best. Within one participant the closer prediction is the nearer to 1.
@pytest.mark.parametrize(
    ("first", "second", "best"),
    [
        pytest.param(
            (8, 400, 500),
            (6, 60, 1),
            "8/10 câu đúng, 6 phút 40 giây, dự đoán 500",
            id="more-correct-even-when-slower-and-earlier",
        ),
        pytest.param(
            (7, 60, 500),
            (7, 300, 2),
            "7/10 câu đúng, 5 phút 00 giây, dự đoán 2",
            id="same-correct-the-closer-prediction",
        ),
        pytest.param(
            (7, 90, 100),
            (7, 300, 100),
            "7/10 câu đúng, 1 phút 30 giây, dự đoán 100",
            id="same-correct-and-prediction-the-shorter-time",
        ),
    ],
)
async def test_the_best_attempt_counts(
    app: App,
    person: Person,
    clock: ManualClock,
    first: tuple[int, int, int],
    second: tuple[int, int, int],
    best: str,
) -> None:
    await person.register()
    for day, (correct, seconds, prediction) in ((20, first), (21, second)):
        clock.set(vn(2023, 2, day, 9, 0))
        await _attempt(person, clock, correct=correct, seconds=seconds, prediction=prediction)
    await person.send("/diem")
    said = person.said
    assert f"Kết quả tốt nhất: {best}" in said
    assert "Thứ hạng: 1/1 · Số lượt đã thi: 2" in said


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
