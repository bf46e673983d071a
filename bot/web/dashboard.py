"""The dashboard's first pages: the overview (refreshing itself) and the rounds, opened and
closed through the same functions as /admin and `quizbot rounds`."""

from __future__ import annotations

from aiohttp import web

from bot.web.site import DASHBOARD, actor, refuse, render, site_of
from handlers import figures
from handlers.rounds import close_round, open_round
from storage.repos.rounds import OPEN, SCHEDULED

routes = web.RouteTableDef()
# How often the overview's figures are fetched again, in seconds.
REFRESH_SECONDS = 15


@routes.get(DASHBOARD)
async def overview(request: web.Request) -> web.Response:
    """Registered people, attempts today and in progress, one round by day, place and unit."""
    svc = site_of(request).svc
    code = request.query.get("dot", "")
    data = await figures.overview(svc, code)
    rounds = [r for r in await figures.schedule(svc) if r.status != SCHEDULED]
    return render(
        request,
        "overview.html",
        o=data,
        rounds=rounds,
        refresh=REFRESH_SECONDS,
        figures_url=request.app.router["figures"].url_for().with_query(dot=code)
        if code
        else request.app.router["figures"].url_for(),
    )


@routes.get(DASHBOARD + "/so-lieu", name="figures")
async def overview_figures(request: web.Request) -> web.Response:
    """The overview's figures alone, for the page to refresh them in place."""
    svc = site_of(request).svc
    data = await figures.overview(svc, request.query.get("dot", ""))
    return render(request, "overview_figures.html", o=data)


@routes.get(DASHBOARD + "/dot-thi")
async def rounds(request: web.Request) -> web.Response:
    """Every round with its window, status and participants; open or close one."""
    svc = site_of(request).svc
    return render(request, "rounds.html", rounds=await figures.schedule(svc))


ACTIONS = {"mo": SCHEDULED, "dong": OPEN}


async def _target(request: web.Request) -> figures.RoundLine | None:
    """The round an open/close request names, if that action applies to it now."""
    svc = site_of(request).svc
    code, action = request.match_info["code"], request.match_info["action"]
    wanted = ACTIONS.get(action)
    return next(
        (r for r in await figures.schedule(svc) if r.code == code and r.status == wanted), None
    )


@routes.get(DASHBOARD + "/dot-thi/{code}/{action}")
async def confirm_round(request: web.Request) -> web.Response:
    """Ask before opening or closing a round."""
    target = await _target(request)
    if target is None:
        return refuse(request, 409, "web.refused.round_state")
    return render(request, "round_confirm.html", r=target, action=request.match_info["action"])


@routes.post(DASHBOARD + "/dot-thi/{code}/{action}")
async def change_round(request: web.Request) -> web.Response:
    """Open or close the round, as the organiser; closing ranks and awards."""
    svc = site_of(request).svc
    target = await _target(request)
    if target is None:
        return refuse(request, 409, "web.refused.round_state")
    if request.match_info["action"] == "mo":
        await open_round(svc, target.code, actor=actor(request))
        return render(request, "round_done.html", r=target, action="mo", results=None)
    results = await close_round(svc, target.code, actor=actor(request))
    return render(request, "round_done.html", r=target, action="dong", results=results)
