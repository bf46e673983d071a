"""The contest in figures, for the organisers' dashboard and the public page: who registered,
who takes part in each round, on which days and from where.

The per-round counts are the results workbook's own (`Attempts.participation`, `days`), so the
dashboard and the workbook's statistics sheets never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from handlers import participation
from handlers.context import Services
from handlers.participation import Line
from handlers.reports.stats import day_span
from storage.models import Round
from storage.repos.attempt_reads import DayCount
from storage.repos.rounds import CLOSED, OPEN, SCHEDULED


@dataclass(frozen=True, slots=True)
class RoundLine:
    """One round of the schedule: its window, where it stands and how many took part."""

    code: str
    name: str
    opens_at: datetime
    closes_at: datetime
    status: str
    participants: int


@dataclass(frozen=True, slots=True)
class Overview:
    """The figures on the dashboard's first page."""

    participants: int
    attempts_today: int
    live: int
    round: Round | None
    round_participants: int
    days: list[DayCount]
    # Every entry of the organisers' lists, with its headcount and rate (handlers.participation).
    by_locality: list[Line]
    by_unit: list[Line]


async def schedule(svc: Services) -> list[RoundLine]:
    """Every round in order, with the people who took part (the fixed figure once closed)."""
    lines = []
    for r in await svc.rounds.all():
        if r.status == CLOSED and r.actual_figure is not None:
            people = r.actual_figure
        elif r.status == SCHEDULED:
            people = 0
        else:
            people = await svc.attempts.participants_in_round(r.code)
        lines.append(RoundLine(r.code, r.name, r.opens_at, r.closes_at, r.status, people))
    return lines


async def focus_round(svc: Services, code: str = "") -> Round | None:
    """The round a page is about: the one asked for, else the open one, else the latest that
    has opened (None before the first round opens)."""
    rounds = await svc.rounds.all()
    if code:
        return next((r for r in rounds if r.code == code), None)
    started = [r for r in rounds if r.status != SCHEDULED]
    return next((r for r in started if r.status == OPEN), started[-1] if started else None)


async def overview(svc: Services, code: str = "") -> Overview:
    """Registered people, attempts today and in progress, and one round's participation by
    day, locality and unit."""
    tz = svc.contest.tz
    now = svc.clock.now()
    rnd = await focus_round(svc, code)
    days: list[DayCount] = []
    by_locality: list[Line] = []
    by_unit: list[Line] = []
    people = 0
    if rnd is not None:
        people = await svc.attempts.participants_in_round(rnd.code)
        tables = await participation.of_round(svc, rnd.code)
        by_locality, by_unit = tables.localities, tables.units
        days = _every_day(await svc.attempts.days(rnd.code), rnd, now, tz)
    return Overview(
        participants=await svc.participants.count(),
        attempts_today=await svc.attempts.count_on_day(now.astimezone(tz).date().isoformat()),
        live=await svc.store.live_count(),
        round=rnd,
        round_participants=people,
        days=days,
        by_locality=by_locality,
        by_unit=by_unit,
    )


def _every_day(counted: list[DayCount], rnd: Round, now: datetime, tz: ZoneInfo) -> list[DayCount]:
    """The round's days so far, with those without any attempt as zeros."""
    end = min(rnd.closed_at or now, rnd.closes_at, now)
    if end < rnd.opens_at and not counted:
        return []
    found = {d.day: d for d in counted}
    span = day_span(
        rnd.opens_at.astimezone(tz).date(),
        max(end, rnd.opens_at).astimezone(tz).date(),
        [date.fromisoformat(d) for d in found],
    )
    return [found.get(d.isoformat(), DayCount(d.isoformat(), 0, 0)) for d in span]
