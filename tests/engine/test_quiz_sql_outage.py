"""When SQL cannot take a finished attempt, it waits in the session store and nothing is lost."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.clock import ManualClock
from tests.support.client import Person

WAITING = "Hệ thống đang bận nên kết quả sẽ được ghi nhận trong ít phút"


def _sql_down(app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(*_: object) -> bool:
        raise ConnectionError("database is down")

    monkeypatch.setattr(app.svc.attempts, "save", refuse)


async def test_attempt_finished_while_sql_is_down_is_written_when_it_is_back(
    app: App, person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    await person.register()
    _sql_down(app, monkeypatch)
    await person.take_attempt(correct=7, prediction=321)
    assert WAITING in person.said
    pid = await person.participant_id()
    assert await app.svc.store.pending() == [pid]

    await person.send("/thi")  # no new attempt may overtake the one waiting
    assert "Câu 1/10" not in person.said

    monkeypatch.undo()
    owed = await app.engine.sweep()
    assert [key for key, _ in owed] == ["telegram:1001"]
    result = person.texts(owed[0][1])[0]
    assert "Số câu đúng: 7/10" in result
    assert "Dự đoán của bạn: 321" in result
    assert await app.svc.store.pending() == []
    assert await person.live() is None
    [scored] = await app.svc.attempts.scored("2023-Q1")
    assert scored.correct == 7
    assert scored.prediction == 321


async def test_sweep_tells_the_participant_once_while_sql_is_down(
    app: App, person: Person, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    await person.register()
    await person.send("/thi")
    await person.answer(right=True)
    clock.advance(minutes=11)
    _sql_down(app, monkeypatch)

    owed = await app.engine.sweep()
    assert [key for key, _ in owed] == ["telegram:1001"]
    assert WAITING in person.texts(owed[0][1])[0]
    clock.advance(seconds=1)
    assert await app.engine.sweep() == []
    clock.advance(minutes=5)
    assert await app.engine.sweep() == []

    monkeypatch.undo()
    await app.engine.sweep()
    assert await app.svc.store.pending() == []
    attempts = await app.svc.attempts.scored("2023-Q1")
    assert [a.correct for a in attempts] == [1]
