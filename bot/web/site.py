"""The web server's pages as one aiohttp application: templates, security headers, sessions.

Every page is server-rendered from the templates in bot/web/templates with one layout and one
stylesheet; scripts and styles come only from /static (the Content-Security-Policy forbids
anything inline and anything from elsewhere, so the pages work on an intranet without a CDN).
Dashboard pages need an organiser's session; every form there carries the session's CSRF token.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import aiohttp_jinja2
import jinja2
from aiohttp import web
from markupsafe import Markup

from bot.config import DEFAULT_TRUSTED_PROXIES
from bot.web.texts import WebTexts
from handlers.context import Services
from handlers.formatting import date_vn, datetime_vn, duration_vn, number_vn
from handlers.participation import percent
from handlers.reports.stats import clip
from handlers.texts import plain
from questions import MAX_FILE_BYTES
from storage.web_sessions import WebSession, WebSessions

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
STATIC = HERE / "static"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
COOKIE = "quizbot_session"
DASHBOARD = "/quan-tri"
SIGNIN = f"{DASHBOARD}/dang-nhap"
R = TypeVar("R", bound=web.StreamResponse)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class JoinLinks:
    """Where residents join: the Telegram bot (known once the channel has started) and Zalo."""

    telegram_username: str = ""
    zalo: str = ""

    def telegram(self, source: str = "web") -> str:
        """The bot's deep link; `source` is recorded as where the person came from."""
        if not self.telegram_username:
            return ""
        return f"https://t.me/{self.telegram_username}?start={source}"


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def networks(written: list[str] | tuple[str, ...]) -> tuple[IPNetwork, ...]:
    """Networks as the settings write them ("10.0.0.0/8", "::1"); a host bits set is forgiven."""
    return tuple(ipaddress.ip_network(network, strict=False) for network in written)


@dataclass
class Site:
    """What the pages need: the services, the public address, the join links."""

    svc: Services
    public_url: str
    links: JoinLinks = field(default_factory=JoinLinks)
    # The reverse proxies whose X-Forwarded-For names the client (settings.web_trusted_proxies).
    trusted_proxies: tuple[IPNetwork, ...] = field(
        default_factory=lambda: networks(DEFAULT_TRUSTED_PROXIES)
    )
    catalogue: WebTexts = field(default_factory=WebTexts)
    # Figures of the public page, kept a little while: residents may come by the thousand.
    cache: dict[str, tuple[datetime, Any]] = field(default_factory=dict)

    @property
    def secure(self) -> bool:
        """Whether people reach the site over HTTPS (then the cookie is Secure)."""
        return self.public_url.startswith("https://")

    @property
    def sessions(self) -> WebSessions:
        """Sign-in links and sessions in the bot's Redis."""
        return WebSessions(self.svc.store.redis, self.svc.store.keys)

    def application(self) -> web.Application:
        """The aiohttp application serving every page (webhook routes are added after)."""
        from bot.web import (
            dashboard,
            manage,
            public,
            records,
            results,
            review,
            signin,
            verify,
            winners,
        )

        # A question bank file may be up to MAX_FILE_BYTES; the form around it adds little.
        app = web.Application(
            client_max_size=MAX_FILE_BYTES + 256 * 1024,
            middlewares=[security_headers, organiser_session],
        )
        app[SITE] = self
        env = aiohttp_jinja2.setup(
            app,
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=jinja2.select_autoescape(["html", "svg"]),
            undefined=jinja2.StrictUndefined,
        )
        env.filters.update(
            number=number_vn,
            local_date=lambda at: date_vn(at, self.svc.contest.tz),
            local_time=lambda at: datetime_vn(at, self.svc.contest.tz),
            chat=chat_markup,
            duration=duration_vn,
            excerpt=lambda text: clip(plain(text), 120),
            percent=percent,
        )
        for module in (
            public,
            winners,
            verify,
            signin,
            dashboard,
            results,
            review,
            manage,
            records,
        ):
            app.add_routes(module.routes)
        app.router.add_static("/static/", STATIC, append_version=True, name="static")
        return app

    def context(self, request: web.Request) -> dict[str, Any]:
        """What every template may use besides its own values."""
        session: WebSession | None = request.get(SESSION)
        return {
            "t": self.catalogue,
            "contest": self.svc.contest.contest,
            "session": session,
            "csrf": session.csrf if session else "",
            "path": request.path,
            "static": lambda name: request.app.router["static"].url_for(filename=name),
        }

    def now_ms(self) -> int:
        """The bot's clock in epoch ms (sessions and links expire by it)."""
        return self.svc.now_ms()

    def now(self) -> datetime:
        """The bot's clock."""
        return self.svc.clock.now()


SITE = web.AppKey("site", Site)
SESSION = web.RequestKey("organiser_session", WebSession)


def site_of(request: web.Request) -> Site:
    """The Site serving this request."""
    return request.app[SITE]


def chat_markup(text: str) -> Markup:
    """A text from the bot's catalogue (escaped values, <b>/<i> only) as page markup."""
    return Markup(text)


def render(request: web.Request, template: str, status: int = 200, **context: Any) -> web.Response:
    """A page from its template."""
    return aiohttp_jinja2.render_template(
        template, request, site_of(request).context(request) | context, status=status
    )


def refuse(request: web.Request, status: int, key: str) -> web.Response:
    """A page saying why the request was refused (`key`: its text in the web catalogue)."""
    return render(request, "refused.html", status=status, reason=key)


def actor(request: web.Request) -> str:
    """The signed-in organiser (an engine user key such as telegram:123)."""
    session: WebSession = request[SESSION]
    return session.actor


@web.middleware
async def security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The same strict headers on every answer, error pages included."""
    try:
        response = await handler(request)
    except web.HTTPNotFound as exc:
        if request.method != "GET":
            _with_headers(exc)
            raise
        response = refuse(request, 404, "web.refused.not_found")
    except web.HTTPException as exc:
        _with_headers(exc)
        raise
    return _with_headers(response)


def _with_headers(response: R) -> R:
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response


@web.middleware
async def organiser_session(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Dashboard pages need a live session of an organiser still listed as one; their forms
    need the session's CSRF token."""
    path = request.path
    if not (path == DASHBOARD or path.startswith(DASHBOARD + "/")) or path.startswith(SIGNIN):
        return await handler(request)
    site = site_of(request)
    cookie = request.cookies.get(COOKIE, "")
    session = await site.sessions.get(cookie, site.now_ms()) if cookie else None
    if session is None or session.actor not in site.svc.admins:
        return refuse(request, 401, "web.refused.signed_out")
    request[SESSION] = session
    if request.method == "POST":
        form = await request.post()
        given = form.get("csrf")
        if not isinstance(given, str) or not hmac.compare_digest(given, session.csrf):
            log.warning("a dashboard form without its CSRF token was refused")
            return refuse(request, 403, "web.refused.csrf")
    response = await handler(request)
    response.headers["Cache-Control"] = "no-store"
    return response


def set_session_cookie(site: Site, response: web.StreamResponse, value: str, max_age: int) -> None:
    """The session cookie: not readable by scripts, never sent from other sites."""
    response.set_cookie(
        COOKIE,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="Strict",
        secure=site.secure,
    )
