"""What the workbook reads from the database beyond the ranking: answers and round figures."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from handlers import collective, participation
from handlers.context import Services
from handlers.participation import Tables
from handlers.reports.stats import group_size
from handlers.rounds import RoundResults
from questions.model import Question
from storage.repos.attempt_reads import DayCount, QuestionTally
from storage.repos.collective import Awarded


@dataclass(frozen=True)
class ReportData:
    """The figures of the whole round the statistics sheets show.

    `upper` and `lower` are the question tallies of the counted attempts of the best and the
    worst 27% of the ranking (the discrimination index's groups). Every answer of the counted
    attempts goes to the detail file instead (handlers.reports.detail_csv), a slice at a time.
    """

    questions: dict[int, Question]
    tallies: list[QuestionTally]
    upper: list[QuestionTally]
    lower: list[QuestionTally]
    participation: Tables
    days: list[DayCount]
    first_day: date
    last_day: date
    collective: list[Awarded]
    collective_final: bool


async def load_report(svc: Services, results: RoundResults) -> ReportData:
    """Read everything the statistics sheets need, in a few queries run side by side."""
    counted = [r.attempt_id for r in results.ranking]
    k = group_size(len(counted))
    code = results.round.code
    repo = svc.attempts
    async with asyncio.TaskGroup() as reads:
        tallies = reads.create_task(
            repo.round_tallies(code, counted[:k], counted[len(counted) - k :] if k else [])
        )
        by_locality = reads.create_task(repo.participation(code, by="locality"))
        by_unit = reads.create_task(repo.participation(code, by="unit"))
        days = reads.create_task(repo.days(code))
        collective_prizes = reads.create_task(collective.of_round(svc, code))
    # Every question of the counted attempts was asked in the round, so is tallied there.
    asked = {t.question_id for t in tallies.result().round}
    tz = svc.contest.tz
    rnd = results.round
    # The days the round ran: from its opening to its close (an early close ends it sooner)
    # or, while it is open, to today.
    end = rnd.closed_at if results.final and rnd.closed_at is not None else svc.clock.now()
    end = min(end, rnd.closes_at)
    return ReportData(
        questions=await svc.questions.by_ids(sorted(asked)),
        tallies=tallies.result().round,
        upper=tallies.result().upper,
        lower=tallies.result().lower,
        participation=participation.tables(svc, by_locality.result(), by_unit.result()),
        days=days.result(),
        first_day=rnd.opens_at.astimezone(tz).date(),
        last_day=end.astimezone(tz).date(),
        collective=collective_prizes.result()[0],
        collective_final=collective_prizes.result()[1],
    )
