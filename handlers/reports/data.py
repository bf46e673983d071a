"""What the workbook reads from the database beyond the ranking: answers and round figures."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from handlers.context import Services
from handlers.rounds import RoundResults
from questions.model import Question
from storage.models import Attempt
from storage.repos.attempts import AnswerRow, DayCount, Participation, QuestionTally


@dataclass(frozen=True)
class ReportData:
    """The counted attempts with their answers, and the figures of the whole round."""

    attempts: dict[int, Attempt]
    answers: dict[int, list[AnswerRow]]
    questions: dict[int, Question]
    tallies: list[QuestionTally]
    by_locality: list[Participation]
    by_unit: list[Participation]
    days: list[DayCount]
    first_day: date
    last_day: date


async def load_report(svc: Services, results: RoundResults) -> ReportData:
    """Read everything the detail and statistics sheets need, in a few queries.

    They run side by side: the counts over every answer of the round keep the database busy
    while the counted attempts' answers are turned into rows here.
    """
    counted = [r.attempt_id for r in results.ranking]
    code = results.round.code
    answers, tallies, attempts, by_locality, by_unit, days = await asyncio.gather(
        svc.attempts.answers_of(counted),
        svc.attempts.question_tallies(code),
        svc.attempts.by_ids(counted),
        svc.attempts.participation(code, by="locality"),
        svc.attempts.participation(code, by="unit"),
        svc.attempts.days(code),
    )
    asked = {t.question_id for t in tallies}
    asked.update(a.question_id for rows in answers.values() for a in rows)
    tz = svc.contest.tz
    rnd = results.round
    # The days the round ran: from its opening to its close (an early close ends it sooner)
    # or, while it is open, to today.
    end = rnd.closed_at if results.final and rnd.closed_at is not None else svc.clock.now()
    end = min(end, rnd.closes_at)
    return ReportData(
        attempts=attempts,
        answers=answers,
        questions=await svc.questions.by_ids(sorted(asked)),
        tallies=tallies,
        by_locality=by_locality,
        by_unit=by_unit,
        days=days,
        first_day=rnd.opens_at.astimezone(tz).date(),
        last_day=end.astimezone(tz).date(),
    )
