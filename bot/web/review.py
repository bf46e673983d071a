"""The jury's review on the dashboard: a closed round's ranking with each entry's review flags,
setting an entry aside (with a reason) or restoring it, and approving the results behind a
confirmation. The actions are handlers.jury's, as in /admin and `quizbot results`; each is
audited there with the signed-in organiser as its actor.

A form submitted twice acts once: the jury's actions are idempotent, and each answers with a
redirect to the ranking (a reload does not submit again) carrying what was done.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from bot.web.site import DASHBOARD, actor, refuse, render, site_of
from handlers.context import Services
from handlers.jury import actions as jury
from handlers.jury import flags as jury_flags
from handlers.jury.actions import JuryError
from handlers.ranking import Ranked
from handlers.reports.prizes import not_eligible
from handlers.rounds import RoundResults, round_results
from handlers.texts import plain
from storage.repos.review import Aside
from storage.repos.rounds import CLOSED, SCHEDULED

routes = web.RouteTableDef()
# What a redirect after an action says, by the code it carries (?xong=…).
NOTICES = {
    "de-rieng": "web.jury.done_set_aside",
    "da-de-rieng": "web.jury.done_already_aside",
    "khoi-phuc": "web.jury.done_restored",
    "chua-de-rieng": "web.jury.done_not_aside",
    "phe-duyet": "web.jury.done_approved",
    "da-phe-duyet": "web.jury.done_approved_before",
}


@dataclass(frozen=True)
class Row:
    """One ranked entry as the dashboard shows it to the jury."""

    place: Ranked
    name: str
    phone: str
    locality: str
    unit: str
    prize: str
    # The flags' one-line reasons, most telling first.
    reasons: list[str]
    aside: Aside | None
    # Why the entry cannot win anyway (not set aside by the jury), "" if it can.
    ineligible: str

    @property
    def flagged(self) -> bool:
        return bool(self.reasons) or self.aside is not None


async def rows(svc: Services, results: RoundResults, *, limit: int) -> list[Row]:
    """The head of the ranking (`limit` places), and every entry flagged or set aside beyond
    it, with the flags stored at closing and the jury's set-asides."""
    code = results.round.code
    closed = results.round.status == CLOSED
    found = await svc.review.flags(code) if closed else {}
    asides = await svc.review.set_aside(code) if closed else {}
    prizes = {a.participant_id: svc.contest.prize_name(a.tier) for a in results.awards}
    out = []
    for i, r in enumerate(results.ranking):
        pid = r.participant_id
        if i >= limit and pid not in found and pid not in asides:
            continue
        person = results.people.get(pid)
        why = results.ineligible.get(pid, "")
        out.append(
            Row(
                place=r,
                name=person.full_name if person else "",
                phone=person.phone if person else "",
                locality=person.locality if person else "",
                unit=(person.unit or "") if person else "",
                prize=prizes.get(pid, ""),
                reasons=[
                    plain(str(jury_flags.reason(svc, f)))
                    for f in jury_flags.ordered(found.get(pid, []))
                ],
                aside=asides.get(pid),
                ineligible=not_eligible(svc.texts, why, internal=True)
                if why and pid not in asides
                else "",
            )
        )
    return out


def notice(request: web.Request, results: RoundResults) -> str:
    """What the last action did, from the redirect that followed it ("" if none)."""
    key = NOTICES.get(request.query.get("xong", ""))
    if key is None:
        return ""
    t = site_of(request).catalogue
    if key.startswith("web.jury.done_approved"):
        return str(t(key, name=results.round.name))
    entry = _entry(results, _pid(request.query.get("bai", "")))
    if entry is None:
        return ""
    rank, name = entry
    return str(t(key, name=name, rank=rank))


def _pid(value: str) -> int:
    # ASCII digits only ("²" passes isdigit() but not int()), and few (int() refuses
    # thousands of them).
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else 0


def _entry(results: RoundResults, pid: int) -> tuple[int, str] | None:
    place = next((r for r in results.ranking if r.participant_id == pid), None)
    if place is None:
        return None
    person = results.internal().people.get(pid)
    return place.rank, person.full_name if person else f"#{pid}"


async def _closed(request: web.Request) -> RoundResults | None:
    svc = site_of(request).svc
    rnd = await svc.rounds.get(request.match_info["code"])
    if rnd is None or rnd.status == SCHEDULED:
        return None
    return await round_results(svc, rnd.code)


def _back(results: RoundResults, done: str, pid: int = 0) -> web.HTTPSeeOther:
    where = f"{DASHBOARD}/ket-qua/{results.round.code}?xong={done}"
    return web.HTTPSeeOther(where + (f"&bai={pid}" if pid else ""))


def _refused(request: web.Request, results: RoundResults, exc: JuryError) -> web.Response:
    svc = site_of(request).svc
    status = 422 if exc.key == "jury.reason_needed" else 409
    return render(
        request,
        "jury_refused.html",
        status=status,
        results=results,
        why=plain(str(svc.texts(exc.key, **exc.values))),
    )


@routes.get(DASHBOARD + r"/ket-qua/{code}/de-rieng/{pid:\d+}")
async def set_aside_form(request: web.Request) -> web.Response:
    """The entry, its flags, and the reason to type before setting it aside."""
    results = await _closed(request)
    if results is None:
        return refuse(request, 404, "web.refused.not_found")
    return await _aside_form(request, results, int(request.match_info["pid"]), "", problem="")


async def _aside_form(
    request: web.Request, results: RoundResults, pid: int, reason: str, *, problem: str
) -> web.Response:
    svc = site_of(request).svc
    if results.approved:
        return _refused(request, results, JuryError("jury.frozen"))
    if results.round.status != CLOSED:
        return _refused(request, results, JuryError("jury.not_closed", name=results.round.name))
    found = [
        r
        for r in await rows(svc, results, limit=len(results.ranking))
        if r.place.participant_id == pid
    ]
    if not found:
        return refuse(request, 404, "web.refused.not_found")
    return render(
        request,
        "jury_aside.html",
        status=422 if problem else 200,
        results=results,
        row=found[0],
        reason=reason,
        problem=problem,
        max=jury.MAX_REASON,
    )


@routes.post(DASHBOARD + r"/ket-qua/{code}/de-rieng/{pid:\d+}")
async def set_aside(request: web.Request) -> web.Response:
    """Set the entry aside with the reason typed; without one, the form again saying why."""
    svc = site_of(request).svc
    results = await _closed(request)
    if results is None:
        return refuse(request, 404, "web.refused.not_found")
    pid = int(request.match_info["pid"])
    reason = str((await request.post()).get("reason", ""))
    try:
        done = await jury.set_aside(svc, results.round.code, pid, reason, actor(request))
    except JuryError as exc:
        if exc.key == "jury.reason_needed":
            why = plain(str(svc.texts(exc.key, **exc.values)))
            return await _aside_form(request, results, pid, reason, problem=why)
        return _refused(request, results, exc)
    raise _back(results, "de-rieng" if done else "da-de-rieng", pid)


@routes.post(DASHBOARD + r"/ket-qua/{code}/khoi-phuc/{pid:\d+}")
async def restore(request: web.Request) -> web.Response:
    """Bring an entry set aside back into the prizes."""
    svc = site_of(request).svc
    results = await _closed(request)
    if results is None:
        return refuse(request, 404, "web.refused.not_found")
    pid = int(request.match_info["pid"])
    try:
        done = await jury.restore(svc, results.round.code, pid, actor(request))
    except JuryError as exc:
        return _refused(request, results, exc)
    raise _back(results, "khoi-phuc" if done else "chua-de-rieng", pid)


@routes.get(DASHBOARD + "/ket-qua/{code}/phe-duyet")
async def approve_form(request: web.Request) -> web.Response:
    """What approving does, and the winners it will announce."""
    svc = site_of(request).svc
    results = await _closed(request)
    if results is None:
        return refuse(request, 404, "web.refused.not_found")
    if results.round.status != CLOSED:
        return _refused(request, results, JuryError("jury.not_closed", name=results.round.name))
    if results.approved:
        raise _back(results, "da-phe-duyet")
    people = results.internal().people
    winners = [
        (svc.contest.prize_name(a.tier), people.get(a.participant_id)) for a in results.awards
    ]
    return render(request, "jury_approve.html", results=results, winners=winners)


@routes.post(DASHBOARD + "/ket-qua/{code}/phe-duyet")
async def approve(request: web.Request) -> web.Response:
    """Approve and announce, once: a second press says it was approved before."""
    svc = site_of(request).svc
    results = await _closed(request)
    if results is None:
        return refuse(request, 404, "web.refused.not_found")
    try:
        done = await jury.approve(svc, results.round.code, actor(request))
    except JuryError as exc:
        return _refused(request, results, exc)
    raise _back(results, "phe-duyet" if done else "da-phe-duyet")
