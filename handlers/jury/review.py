"""The jury's review of a round, page by page: the provisional winners, and every other entry
of the reviewed head of the ranking that is flagged or set aside, in ranking order, each with
its flags (most telling first) and reasons. What the chat, the command line and the web show.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.context import Services
from handlers.jury import flags as jury_flags
from handlers.jury.actions import JuryError
from handlers.ranking import Ranked
from handlers.rounds import round_results
from storage.models import Round
from storage.repos.review import Aside, Flag
from storage.repos.rounds import CLOSED

PAGE_SIZE = 5


@dataclass(frozen=True)
class ReviewEntry:
    """One ranked entry as the jury sees it."""

    place: Ranked
    name: str
    locality: str
    # The provisional (or approved) prize tier, "" for none.
    tier: str
    flags: list[Flag]
    reasons: list[str]
    aside: Aside | None
    # Why the entry cannot win anyway, a key of RoundResults.ineligible ("" if it can).
    ineligible: str


@dataclass(frozen=True)
class ReviewPage:
    """A page of the jury's review of a closed round."""

    round: Round
    actual: int
    approved: bool
    approved_at: datetime | None
    approved_by: str
    page: int
    pages: int
    # Entries listed in all (winners, flagged, set aside), flagged among them, set aside.
    listed: int
    flagged: int
    set_aside: int
    winners: int
    entries: list[ReviewEntry]


async def review(svc: Services, code: str, page: int = 1) -> ReviewPage:
    """One page (from 1) of a closed round's review; a page past the end shows the last."""
    rnd = await svc.rounds.get(code)
    if rnd is None:
        raise JuryError("jury.unknown_round", code=code)
    if rnd.status != CLOSED:
        raise JuryError("jury.not_closed", name=rnd.name)
    results = await round_results(svc, code)
    found = await svc.review.flags(code)
    asides = await svc.review.set_aside(code)
    tiers = {a.participant_id: a.tier for a in results.awards}
    people = results.internal().people
    listed = [
        r
        for r in results.ranking
        if r.participant_id in tiers or r.participant_id in found or r.participant_id in asides
    ]
    pages = max(1, -(-len(listed) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    shown = []
    for r in listed[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]:
        pid = r.participant_id
        person = people.get(pid)
        mine = jury_flags.ordered(found.get(pid, []))
        shown.append(
            ReviewEntry(
                place=r,
                name=person.full_name if person else "",
                locality=person.locality if person else "",
                tier=tiers.get(pid, ""),
                flags=mine,
                reasons=[str(jury_flags.reason(svc, f)) for f in mine],
                aside=asides.get(pid),
                ineligible=results.ineligible.get(pid, ""),
            )
        )
    return ReviewPage(
        round=rnd,
        actual=results.actual,
        approved=rnd.approved_at is not None,
        approved_at=rnd.approved_at,
        approved_by=rnd.approved_by,
        page=page,
        pages=pages,
        listed=len(listed),
        flagged=sum(1 for r in results.ranking if r.participant_id in found),
        set_aside=len(asides),
        winners=len(results.awards),
        entries=shown,
    )
