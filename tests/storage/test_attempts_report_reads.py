"""What the results workbook reads: answer lines, tallies, participation, days."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from storage.db import Database
from storage.repos import Attempts, ParticipantDetails, Participants
from storage.repos.attempt_reads import DayCount, Participation
from storage.repos.participants import Entrant
from tests.storage.data import ROUND, T0, attempt, round_and_bank


async def _person(db: Database, phone: str, locality: str, unit: str) -> int:
    p = await Participants(db).register(
        ParticipantDetails("Nguyễn Văn An", phone, 1990, locality, unit),
        channel="telegram",
        channel_user_id=phone,
        display_name="",
        source="",
        now=T0,
    )
    assert p.id is not None
    return p.id


async def test_round_figures_count_people_attempts_and_right_answers(db: Database) -> None:
    bank = await round_and_bank(db)
    repo = Attempts(db)
    a = await _person(db, "+84912345601", "Hoa Lư", "Sở Y tế")
    b = await _person(db, "+84912345602", "Hoa Lư", "Người dân")
    c = await _person(db, "+84912345603", "Kim Sơn", "Sở Y tế")
    second_day = T0 + timedelta(days=1)
    for code, pid, right, when in [
        ("A1", a, 10, T0),
        ("A2", a, 4, second_day),
        ("B1", b, 2, second_day),
        ("C1", c, 6, second_day),
    ]:
        finished = attempt(code, pid, bank, right=right, submitted=when)
        await repo.save(replace(finished, local_day=when.date().isoformat()))

    tallies = await repo.question_tallies(ROUND)
    by_locality = await repo.participation(ROUND, by="locality")
    by_unit = await repo.participation(ROUND, by="unit")
    days = await repo.days(ROUND)

    # Question at position p was right in the attempts with more than p right answers.
    assert [(t.question_id, t.asked, t.right) for t in tallies] == [
        (qid, 4, sum(p < right for right in (10, 4, 2, 6))) for p, (qid, _) in enumerate(bank)
    ]
    assert by_locality == [Participation("Hoa Lư", 2, 3), Participation("Kim Sơn", 1, 1)]
    assert by_unit == [Participation("Sở Y tế", 2, 3), Participation("Người dân", 1, 1)]
    assert days == [DayCount("2023-02-20", 1, 1), DayCount("2023-02-21", 2, 3)]
    assert await repo.question_tallies("2023-Q2") == []
    with pytest.raises(ValueError, match="birth_year"):
        await repo.participation(ROUND, by="birth_year")


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)


async def test_answer_lines_follow_the_order_of_the_ids_with_times_in_milliseconds(
    db: Database,
) -> None:
    bank = await round_and_bank(db)
    repo = Attempts(db)
    ids = []
    for i, right in enumerate([3, 7, 10]):
        pid = await _person(db, f"+8491234560{i}", "Hoa Lư", "Người dân")
        finished = attempt(f"L{i}", pid, bank, right=right, submitted=T0 + timedelta(hours=i))
        answered = [
            replace(a, answered_at=finished.started_at + timedelta(milliseconds=1234 * p + 7))
            for p, a in enumerate(finished.answers)
        ]
        # The last two questions of the second attempt were left unanswered.
        if i == 1:
            answered[8:] = [replace(a, choice=None, answered_at=None) for a in answered[8:]]
        await repo.save(replace(finished, answers=tuple(answered), auto_submitted=i == 1))
        stored = await repo.by_code(f"L{i}")
        assert stored is not None
        assert stored.id is not None
        ids.append((stored.id, finished, answered))
    order = [ids[2], ids[0], ids[1]]

    lines = await repo.answer_lines([attempt_id for attempt_id, _, _ in order])
    facts = await repo.facts([attempt_id for attempt_id, _, _ in order] + [999_999])
    upper = await repo.question_tallies_of([ids[1][0], ids[2][0]])

    assert [tuple(line) for line in lines] == [
        (k, a.position, a.question_id, a.choice, _ms(a.answered_at) if a.answered_at else None)
        for k, (_, _, answered) in enumerate(order)
        for a in answered
    ]
    assert set(facts) == {attempt_id for attempt_id, _, _ in ids}
    for attempt_id, finished, _ in ids:
        assert facts[attempt_id] == (
            finished.code,
            _ms(finished.started_at),
            _ms(finished.submitted_at),
            finished.code == "L1",
            "telegram",
        )
    # Question at position p: right in the ten-right attempt, and in the seven-right one
    # up to position 6; positions 8 and 9 of that one were not answered (asked, not right).
    assert [(t.question_id, t.asked, t.right) for t in upper] == [
        (qid, 2, 1 + (p < 7)) for p, (qid, _) in enumerate(bank)
    ]
    assert await repo.answer_lines([]) == []
    assert await repo.question_tallies_of([]) == []


async def test_entrants_are_read_once_each_and_unknown_ids_left_out(db: Database) -> None:
    a = await _person(db, "+84912345601", "Hoa Lư", "Sở Y tế")
    b = await _person(db, "+84912345602", "Kim Sơn", "Người dân")

    people = await Participants(db).entrants([b, a, b, 999_999])

    assert people == {
        a: Entrant(a, "Nguyễn Văn An", "+84912345601", "Hoa Lư", "Sở Y tế"),
        b: Entrant(b, "Nguyễn Văn An", "+84912345602", "Kim Sơn", "Người dân"),
    }
