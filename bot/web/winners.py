"""The public results: `/ket-qua` lists the rounds, `/ket-qua/<round>` the winners of a round
once the jury has approved them (names masked as in the announcements, locality, unit,
prize). Before approval a round's page says its results are under review and nothing else
about them: no provisional winner is ever shown in public.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from aiohttp import web

from bot.web.site import Site, refuse, render, site_of
from handlers.formatting import mask_name
from storage.models import Round
from storage.repos.rounds import CLOSED

routes = web.RouteTableDef()
# An approved round's winners are kept this long between reads (residents come in numbers
# when results are announced); a winner who erases their data leaves the page after it.
KEPT = timedelta(seconds=30)


@dataclass(frozen=True)
class PublicWinner:
    """A winner as the public page shows them, as the announcement did."""

    prize: str
    name: str
    locality: str
    unit: str


def approved(rnd: Round) -> bool:
    """Whether a round's winners may be shown: closed and approved by the jury."""
    return rnd.status == CLOSED and rnd.approved_at is not None


async def public_winners(site: Site, rnd: Round) -> list[PublicWinner]:
    """An approved round's winners, by rank, as the announcement names them."""
    key = f"winners:{rnd.code}"
    now = site.now()
    kept = site.cache.get(key)
    if kept is not None and now - kept[0] < KEPT:
        return list(kept[1])
    svc = site.svc
    stored = await svc.winners.of_round(rnd.code)
    people = await svc.participants.entrants([w.participant_id for w in stored])
    out = []
    for w in stored:
        person = people.get(w.participant_id)
        if person is None:
            continue
        out.append(
            PublicWinner(
                prize=svc.contest.prize_name(w.tier),
                name=mask_name(person.full_name),
                locality=person.locality,
                unit=person.unit or "",
            )
        )
    site.cache[key] = (now, out)
    return out


@routes.get("/ket-qua")
async def all_rounds(request: web.Request) -> web.Response:
    """Every round: approved ones link to their winners; the others say where they stand."""
    rounds = await site_of(request).svc.rounds.all()
    return render(request, "winners_list.html", rounds=rounds, approved=approved)


@routes.get("/ket-qua/{code}")
async def round_winners(request: web.Request) -> web.Response:
    """A round's approved winners; before approval, that the jury is reviewing the results."""
    site = site_of(request)
    rnd = await site.svc.rounds.get(request.match_info["code"])
    if rnd is None:
        return refuse(request, 404, "web.refused.not_found")
    winners = await public_winners(site, rnd) if approved(rnd) else None
    response = render(request, "winners.html", rnd=rnd, winners=winners)
    # Approval changes the page at once: a provisional answer is never kept anywhere.
    response.headers["Cache-Control"] = "public, max-age=30" if winners is not None else "no-store"
    return response
