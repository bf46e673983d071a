"""Participation per unit and per locality, against the headcounts of the organisers' lists.

The results workbook's "Thống kê" sheet, /admin, the dashboard and the collective prizes all
read these lines, so they never disagree. A line is an entry of the list (with its headcount,
if the list gives one; idle entries count zero), "Người dân", or a value that is not in the
list: typed after "Khác", or left by an older list; those are marked for the organisers.
Without a list, every value typed is a line of its own, as before lists existed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from handlers.context import Services
from handlers.lists import NameList
from storage.repos.attempt_reads import Participation

LOCALITY, UNIT = "locality", "unit"


@dataclass(frozen=True, slots=True)
class Line:
    """The people and attempts of a round that name one locality or unit."""

    name: str
    participants: int
    attempts: int
    headcount: int | None = None
    parent: str = ""
    # False for a value the list does not hold (typed after "Khác", or an older list's).
    listed: bool = True
    # For a total: the participants of the lines that give a headcount (its rate is of them).
    counted: int | None = None

    @property
    def rate(self) -> Fraction | None:
        """The share of the headcount that took part, when there is a headcount."""
        if not self.headcount:
            return None
        return Fraction(self.participants if self.counted is None else self.counted, self.headcount)


def lines(
    counted: Sequence[Participation], names: NameList | None, *, resident: str = ""
) -> list[Line]:
    """Every line of a list: those with participants (most first, as counted), then the
    list's idle entries in its order, then the values not in the list, marked."""
    if names is None:
        return [Line(p.name, p.participants, p.attempts) for p in counted]
    seen = set()
    known, unknown = [], []
    for p in counted:
        seen.add(p.name)
        entry = names.entry(p.name)
        if entry is not None:
            known.append(_line(p, entry.headcount, entry.parent))
        elif p.name == resident:
            known.append(Line(p.name, p.participants, p.attempts))
        else:
            unknown.append(Line(p.name, p.participants, p.attempts, listed=False))
    idle = [
        Line(e.label, 0, 0, e.headcount, e.parent) for e in names.entries if e.label not in seen
    ]
    return known + idle + unknown


def _line(p: Participation, headcount: int | None, parent: str) -> Line:
    return Line(p.name, p.participants, p.attempts, headcount, parent)


def by_parent(rows: Sequence[Line], names: NameList) -> list[Line]:
    """The listed lines added up per upper level (district or province), in the list's
    order; a group's headcount is the sum of those its entries give."""
    groups: dict[str, list[Line]] = {parent: [] for parent in names.parents}
    for row in rows:
        if row.listed and row.parent in groups:
            groups[row.parent].append(row)
    return [total(members, name=parent) for parent, members in groups.items()]


def total(rows: Sequence[Line], *, name: str) -> Line:
    """The lines added up; the headcount of those that give one (None when none does), and
    the people counted against it are only theirs."""
    against = [r for r in rows if r.headcount is not None]
    return Line(
        name,
        sum(r.participants for r in rows),
        sum(r.attempts for r in rows),
        sum(r.headcount or 0 for r in against) if against else None,
        counted=sum(r.participants for r in against),
    )


def percent(rate: Fraction | None) -> str:
    """45,5% (one decimal, Vietnamese comma), or "—" without a headcount."""
    if rate is None:
        return "—"
    tenths = round(rate * 1000)
    whole, rest = divmod(tenths, 10)
    return f"{whole}%" if rest == 0 else f"{whole},{rest}%"


@dataclass(frozen=True, slots=True)
class Tables:
    """A round's participation per locality (and per upper level) and per unit."""

    localities: list[Line]
    parents: list[Line]
    units: list[Line]


def tables(
    svc: Services, by_locality: Sequence[Participation], by_unit: Sequence[Participation]
) -> Tables:
    """The lines of a round from its counts (Attempts.participation)."""
    contest = svc.contest
    localities = lines(by_locality, contest.localities)
    parents = by_parent(localities, contest.localities) if contest.localities.two_level else []
    units = lines(by_unit, contest.units, resident=str(svc.texts("register.resident")))
    return Tables(localities, parents, units)


async def of_round(svc: Services, code: str) -> Tables:
    """A round's participation per locality and per unit, as registrations say now."""
    return tables(
        svc,
        await svc.attempts.participation(code, by=LOCALITY),
        await svc.attempts.participation(code, by=UNIT),
    )
