"""A letter typed while a question shows answers it, on every channel and by the same rules as
Zalo ("B", "b", "2", "đáp án b", "Đáp án: B", "b."): recorded once, in time, as a tap is."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.clock import ManualClock
from tests.support.client import Person


@pytest.mark.parametrize("typed", ["B", "b", "2", "đáp án b", "Đáp án: B", "b.", " B "])
async def test_each_usual_way_of_typing_b_answers_the_question_showing(
    app: App, person: Person, typed: str
) -> None:
    await person.register()
    await person.send("/thi")
    await person.send(typed)
    assert person.said.startswith("✓ Câu 1: đã ghi nhận B\n\nCâu 2/10")
    live = await person.live()
    assert live is not None
    assert (live.next_index, {i: shown for i, (shown, _) in live.answers.items()}) == (1, {0: 1})


async def test_a_whole_attempt_typed_ends_with_the_prediction_and_the_result(
    app: App, person: Person
) -> None:
    await person.register()
    await person.send("/thi")
    for i in range(10):
        right = await person.correct_label()
        await person.send(right if i < 6 else next(x for x in "ABCD" if x != right))
    assert "Câu hỏi dự đoán" in person.said
    await person.send("500")
    assert "Số câu đúng: 6/10" in person.said


async def test_a_letter_typed_after_the_time_is_up_submits_what_was_answered(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    await person.send("/thi")
    await person.send("A")
    clock.advance(minutes=11)
    await person.send("B")
    assert "Hết giờ! Bài thi đã được nộp tự động" in person.said
    assert await person.live() is None
    attempts = await app.svc.attempts.count(await person.participant_id(), "2023-Q1")
    assert attempts == 1
