"""Collective prizes: units (or localities) of the organisers' lists rewarded for their
participation, decided when a round closes beside the individual prizes (contest.yaml
`collective_prizes`).

Who may win: an entry of the list with at least one participant in the round and, when the
prize sets `min_headcount`, a headcount of at least that (a prize `by: rate` needs a headcount
in any case). "Người dân" and names typed after "Khác" are not entries of the list and never
win. Participants are counted by the unit (locality) their registration names at closing;
everyone who took part counts, members of the committee, jury and secretariat too, since
the prize rewards the unit's participation, not a person.

The order, best first, and how ties are broken:
- `by: rate`: the higher share of the headcount that took part (compared exactly, as
  fractions); then more participants; then more attempts; then the entry listed first.
- `by: participants`: more participants; then the higher rate (an entry without a headcount
  after those with one); then more attempts; then the entry listed first.
The first `count` of that order win; a round where none may win awards none.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from handlers import participation
from handlers.contest import CollectivePrize
from handlers.context import Services
from handlers.formatting import number_vn
from handlers.lists import NameList
from handlers.participation import Line, Tables, percent
from storage.repos.collective import Awarded
from storage.repos.rounds import CLOSED


def eligible(prize: CollectivePrize, line: Line, names: NameList) -> bool:
    """Whether a line may win this prize."""
    if not line.listed or line.participants < 1 or names.entry(line.name) is None:
        return False
    if prize.by == "rate" and line.headcount is None:
        return False
    return prize.min_headcount == 0 or (
        line.headcount is not None and line.headcount >= prize.min_headcount
    )


def standings(prize: CollectivePrize, rows: Sequence[Line], names: NameList) -> list[Line]:
    """The lines that may win, best first, ties broken as the module says."""

    def key(line: Line) -> tuple[object, ...]:
        rate = line.rate
        listed_at = names.position(line.name)
        if prize.by == "rate":
            return (-(rate or Fraction(0)), -line.participants, -line.attempts, listed_at)
        return (
            -line.participants,
            rate is None,
            -(rate or Fraction(0)),
            -line.attempts,
            listed_at,
        )

    return sorted((r for r in rows if eligible(prize, r, names)), key=key)


def decide(svc: Services, tables: Tables) -> list[Awarded]:
    """Every collective prize of the contest file, given from a round's participation."""
    out = []
    for prize in svc.contest.collective_prizes:
        names = svc.contest.entries_of(prize.among)
        if names is None:
            continue
        rows = tables.units if prize.among == "units" else tables.localities
        for rank, line in enumerate(standings(prize, rows, names)[: prize.count], start=1):
            out.append(
                Awarded(
                    prize.name, rank, line.name, line.participants, line.attempts, line.headcount
                )
            )
    return out


async def award(svc: Services, code: str) -> None:
    """At closing: decide and store the round's collective prizes, once (closing again, or
    resuming a close, changes nothing)."""
    if not svc.contest.collective_prizes:
        return
    decided = decide(svc, await participation.of_round(svc, code))
    if await svc.collective.store(code, decided, svc.clock.now()) and decided:
        await svc.audit.record(
            actor="system",
            action="round.collective",
            at=svc.clock.now(),
            round=code,
            awards=[f"{a.prize}: {a.name}" for a in decided],
        )


async def of_round(svc: Services, code: str) -> tuple[list[Awarded], bool]:
    """A round's collective prizes and whether they are final: those stored at closing, or,
    while the round is open, what its participation would give now."""
    rnd = await svc.rounds.get(code)
    if rnd is not None and rnd.status == CLOSED:
        return await svc.collective.of_round(code), True
    if not svc.contest.collective_prizes:
        return [], False
    return decide(svc, await participation.of_round(svc, code)), False


def line_text(svc: Services, a: Awarded) -> str:
    """One collective prize as people read it: the prize, who won it and the figures."""
    t = svc.texts
    if a.headcount:
        return str(
            t(
                "collective.line_rate",
                prize=a.prize,
                name=a.name,
                people=number_vn(a.participants),
                headcount=number_vn(a.headcount),
                rate=percent(Fraction(a.participants, a.headcount)),
            )
        )
    return str(t("collective.line", prize=a.prize, name=a.name, people=number_vn(a.participants)))


async def announcement_lines(svc: Services, code: str) -> list[str]:
    """The lines the results announcement adds for the round's collective prizes."""
    awarded, _ = await of_round(svc, code)
    return [line_text(svc, a) for a in awarded]
