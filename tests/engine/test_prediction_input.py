"""The prediction: a whole number in range; anything else is refused and changes nothing."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App
from handlers.events import Text
from storage.session import LiveAttempt, Stage
from tests.support.client import Person


async def _at_prediction(person: Person) -> LiveAttempt:
    await person.register()
    await person.take_attempt(correct=7, prediction=None)
    assert "Câu hỏi dự đoán" in person.said
    assert "Theo bạn, đợt thi này sẽ có bao nhiêu người tham gia?" in person.said
    live = await person.live()
    assert live is not None
    assert live.stage is Stage.PREDICTION
    return live


@pytest.mark.parametrize(
    "typed",
    [
        "khoảng một nghìn",
        "1000 người",
        "-5",
        "10000001",  # above the maximum of 10.000.000
        "99999999999999999999",
        "1.5",  # not a whole number
        "1,5",
        "2.50",
        "1.2.3",
        "²",
        "½",
        "",
        " ",
        "1e3",
    ],
)
async def test_bad_prediction_is_refused_in_vietnamese_and_changes_nothing(
    app: App, person: Person, typed: str
) -> None:
    before = await _at_prediction(person)
    await person.send(typed)
    assert person.said == (
        "Câu trả lời dự đoán cần là một số nguyên từ 0 đến 10.000.000. Bạn gõ lại nhé."
    )
    assert await person.live() == before
    assert await app.svc.attempts.count(await person.participant_id(), "2023-Q1") == 0


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("1500", 1500),
        ("0", 0),
        ("1.500", 1500),
        ("1,500", 1500),
        ("1 500", 1500),
        ("10.000.000", 10_000_000),
        (" 25 ", 25),
    ],
)
async def test_prediction_in_common_forms_is_stored(
    app: App, person: Person, typed: str, value: int
) -> None:
    live = await _at_prediction(person)
    await person.send(typed)
    assert "Bạn đã nộp bài" in person.said
    attempt = await app.svc.attempts.by_code(live.code)
    assert attempt is not None
    assert attempt.prediction == value
    assert not attempt.auto_submitted


@pytest.mark.parametrize("typed", ["1500", "tôi không biết", "E", "5"])
async def test_text_during_questions_that_is_no_answer_says_how_to_answer(
    app: App, person: Person, typed: str
) -> None:
    await person.register()
    await person.send("/thi")
    before = await person.live()
    await person.send(typed)
    hint = "Bạn chọn đáp án bằng các nút bên dưới câu hỏi, hoặc gõ A, B, C hoặc D."
    assert hint in person.said
    assert "Câu 1/10" in person.said
    assert await person.live() == before


async def test_second_prediction_racing_the_first_changes_nothing(app: App, person: Person) -> None:
    live = await _at_prediction(person)
    first, second = await asyncio.gather(
        app.engine.handle(Text(person.user, "111")), app.engine.handle(Text(person.user, "222"))
    )
    assert "Dự đoán của bạn: 111" in Person.texts(first)[0]
    assert "Bạn đã nộp bài" not in "\n".join(Person.texts(second))
    attempt = await app.svc.attempts.by_code(live.code)
    assert attempt is not None
    assert attempt.prediction == 111
