"""The ranking of a round is the one its stored answers give, whatever `correct` claims."""

from __future__ import annotations

import logging

import pytest

from bot.app import App
from bot.clock import ManualClock
from handlers.rounds import round_results
from tests.conftest import vn
from tests.storage.data import attempt
from tests.support.client import Person


async def test_an_attempt_whose_stored_score_lies_is_ranked_by_its_answers(
    app: App, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    bank = (await app.svc.questions.active())[:10]
    pids = []
    for n, name in enumerate(["Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"]):
        person = Person.on(app, "telegram", str(n), name)
        await person.register(name=name, phone=f"091200000{n}")
        pids.append(await person.participant_id())
    at = vn(2023, 2, 20, 9, 0)
    # An's row claims ten right but the answers hold three; Bình's claims none, holds nine.
    await app.svc.attempts.save(
        attempt("AN", pids[0], bank, right=3, stored_correct=10, submitted=at)
    )
    await app.svc.attempts.save(
        attempt("BINH", pids[1], bank, right=9, stored_correct=0, submitted=at)
    )
    await app.svc.attempts.save(attempt("CUONG", pids[2], bank, right=5, submitted=at))
    clock.set(vn(2023, 3, 31, 0, 0))

    with caplog.at_level(logging.WARNING):
        results = await round_results(app.svc, "2023-Q1")

    assert [(r.participant_id, r.correct) for r in results.ranking] == [
        (pids[1], 9),
        (pids[2], 5),
        (pids[0], 3),
    ]
    assert set(results.people) == set(pids)
    assert "2 attempts' stored right answers differ" in caplog.text
