"""Signing in with the one-time link from /admin, and signing out.

Opening the link shows a button; only pressing it (a POST) uses the link up. Link previews
and scanners that fetch every link they see therefore cannot spend it before the organiser.
"""

from __future__ import annotations

import logging

from aiohttp import web

from bot.web.site import (
    COOKIE,
    DASHBOARD,
    SIGNIN,
    actor,
    refuse,
    render,
    set_session_cookie,
    site_of,
)
from storage.web_sessions import SESSION_TTL

log = logging.getLogger(__name__)
routes = web.RouteTableDef()


@routes.get(SIGNIN + "/{token}")
async def signin_page(request: web.Request) -> web.Response:
    """The link's page: a button that signs in, or why the link cannot."""
    site = site_of(request)
    token = request.match_info["token"]
    who = await site.sessions.peek_link(token, site.now_ms())
    if who is None or who not in site.svc.admins:
        return refuse(request, 403, "web.refused.link")
    return render(request, "signin.html", token=token)


@routes.post(SIGNIN + "/{token}")
async def signin(request: web.Request) -> web.StreamResponse:
    """Use the link up and open a session for the organiser it was given to."""
    site = site_of(request)
    svc = site.svc
    who = await site.sessions.redeem_link(request.match_info["token"], site.now_ms())
    if who is None:
        return refuse(request, 403, "web.refused.link")
    if who not in svc.admins:
        # Links are only given to organisers; one listed when it was given may be no longer.
        await svc.audit.record(actor=who, action="web.signin_refused", at=site.now())
        return refuse(request, 403, "web.refused.link")
    cookie, _ = await site.sessions.open(who, site.now_ms())
    await svc.audit.record(actor=who, action="web.signin", at=site.now())
    redirect = web.HTTPSeeOther(DASHBOARD)
    set_session_cookie(site, redirect, cookie, int(SESSION_TTL.total_seconds()))
    raise redirect


@routes.post(DASHBOARD + "/dang-xuat")
async def signout(request: web.Request) -> web.StreamResponse:
    """End the session here and in Redis."""
    site = site_of(request)
    await site.sessions.close(request.cookies.get(COOKIE, ""))
    await site.svc.audit.record(actor=actor(request), action="web.signout", at=site.now())
    response = render(request, "signed_out.html")
    response.del_cookie(COOKIE, path="/")
    response.headers["Cache-Control"] = "no-store"
    return response
