"""Organisers' way into the web dashboard: "Mở trang quản trị" in /admin gives a one-time link.

The link is bound to the organiser's account, works once and for a few minutes
(storage/web_sessions.py); the dashboard (bot/web) turns it into a session.
"""

from __future__ import annotations

from handlers.context import Services
from handlers.events import Message, Notice, Reply, User
from storage.web_sessions import LINK_TTL, WebSessions

ACTION = "web"
TOKEN = f"adm:{ACTION}"
# Where a sign-in link points, followed by its token; the dashboard serves it.
SIGNIN_PATH = "/quan-tri/dang-nhap/"


def sessions(svc: Services) -> WebSessions:
    """The dashboard's links and sessions, in the bot's Redis."""
    return WebSessions(svc.store.redis, svc.store.keys)


async def signin_link(svc: Services, user: User) -> list[Reply]:
    """A one-time sign-in link for an organiser; anyone else gets what a stale button gets."""
    if user.key not in svc.admins:
        return [Notice(svc.texts("common.expired_button"))]
    token = await sessions(svc).issue_link(user.key, svc.now_ms())
    await svc.audit.record(actor=user.key, action="web.link", at=svc.clock.now())
    url = f"{svc.public_url}{SIGNIN_PATH}{token}"
    minutes = int(LINK_TTL.total_seconds() // 60)
    return [Message(svc.texts("admin.web_link", minutes=minutes, url=url))]
