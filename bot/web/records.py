"""Participants and the audit log: what organisers look up.

Participants are read-only here: organisers' identity edits (audited) come with the identity
work in handlers/, and the page will offer them once that exists.
"""

from __future__ import annotations

from aiohttp import web

from bot.web.site import DASHBOARD, render, site_of
from handlers import people

routes = web.RouteTableDef()
AUDIT_ROWS = 200


@routes.get(DASHBOARD + "/nguoi-thi")
async def participants(request: web.Request) -> web.Response:
    """Search by name or by the last digits of the phone; phones are masked."""
    svc = site_of(request).svc
    query = request.query.get("q", "").strip()[:100]
    found = await people.search(svc, query) if query else []
    return render(
        request,
        "participants.html",
        query=query,
        found=found,
        limit=people.MAX_FOUND,
        total=await svc.participants.count(),
    )


@routes.get(DASHBOARD + "/nhat-ky")
async def audit(request: web.Request) -> web.Response:
    """Organisers' and the scheduler's actions, newest first, filtered by action or actor."""
    svc = site_of(request).svc
    action = request.query.get("hanh-dong", "")
    who = request.query.get("nguoi", "")
    actors, actions = await svc.audit.actors_and_actions()
    return render(
        request,
        "audit.html",
        entries=await svc.audit.recent(AUDIT_ROWS, action=action, actor=who),
        actors=actors,
        actions=actions,
        action=action,
        who=who,
        limit=AUDIT_ROWS,
    )
