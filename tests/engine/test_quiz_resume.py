"""/thi during an attempt picks up where it stands instead of starting a new one."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from tests.support.client import Person


async def test_thi_during_an_attempt_resumes_the_current_question(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    await person.send("/thi")
    await person.answer(right=True)
    await person.answer(right=False)
    before = await person.live()
    assert before is not None

    clock.advance(minutes=3)
    await person.send("/thi")
    said = person.said
    assert "Bạn đang có một lượt thi dở" in said
    assert "Câu 3/10" in said
    assert "còn 07:00" in said
    assert "lượt thi của bạn bắt đầu" not in said
    assert await person.live() == before
    assert await app.svc.store.live_count() == 1

    # The resumed question's buttons work.
    await person.answer(right=True)
    assert "Câu 4/10" in person.said


async def test_thi_during_the_prediction_asks_for_it_again(app: App, person: Person) -> None:
    await person.register()
    await person.take_attempt(correct=5, prediction=None)
    before = await person.live()
    await person.send("/thi")
    assert "Câu hỏi dự đoán" in person.said
    assert await person.live() == before
    await person.send("300")
    assert "Bạn đã nộp bài" in person.said
    assert "Số câu đúng: 5/10" in person.said


async def test_menu_quiz_button_during_an_attempt_resumes_it(app: App, person: Person) -> None:
    await person.register()
    await person.send("/thi")
    before = await person.live()
    await person.tap_token("m:quiz")
    assert "Bạn đang có một lượt thi dở" in person.said
    assert "Câu 1/10" in person.said
    assert await person.live() == before
