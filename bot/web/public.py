"""What anyone may open: the contest's page with how to join, its QR codes and banner, and
the operators' endpoints (/healthz, /readyz, /metrics)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from bot import metrics
from bot.web import winners
from bot.web.qr import BANNER_HEIGHT, BANNER_WIDTH, banner_svg, qr_svg
from bot.web.site import Site, render, site_of
from handlers import figures, info

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

# How long the public page's figures are kept before they are counted again.
FIGURES_FOR = timedelta(seconds=30)
READY_TIMEOUT = 2.0


async def _cached(site: Site, name: str, make: Any) -> Any:
    now = site.now()
    kept = site.cache.get(name)
    if kept is not None and now - kept[0] < FIGURES_FOR:
        return kept[1]
    value = await make()
    site.cache[name] = (now, value)
    return value


@routes.get("/")
async def home(request: web.Request) -> web.Response:
    """The contest: who organises it, who may take part, the rules, the rounds, how to join."""
    site = site_of(request)
    svc = site.svc
    schedule = await _cached(site, "schedule", lambda: figures.schedule(svc))
    # Read each time (a few rounds): a round's results link appears as soon as it is approved.
    approved = {r.code for r in await svc.rounds.all() if winners.approved(r)}
    return render(
        request,
        "home.html",
        rules=info.rules_text(svc),
        schedule=schedule,
        approved=approved,
        telegram=site.links.telegram(),
        zalo=site.links.zalo,
        public_url=site.public_url,
        banner_size=(BANNER_WIDTH, BANNER_HEIGHT),
    )


def _svg(data: bytes) -> web.Response:
    return web.Response(
        body=data,
        content_type="image/svg+xml",
        headers={"Cache-Control": "public, max-age=3600"},
    )


@routes.get("/qr/{name}.svg")
async def qr(request: web.Request) -> web.Response:
    """The QR code of the Telegram deep link, the Zalo link or this page."""
    site = site_of(request)
    name = request.match_info["name"]
    targets = {
        "telegram": site.links.telegram(),
        "zalo": site.links.zalo,
        "trang": site.public_url + "/",
    }
    target = targets.get(name, "")
    if not target:
        raise web.HTTPNotFound()
    title = str(site.catalogue(f"web.public.qr_{name}"))
    return _svg(qr_svg(target, title=title))


@routes.get("/banner.svg")
async def banner(request: web.Request) -> web.Response:
    """The banner for other websites: title, organiser and a QR code of this page."""
    site = site_of(request)
    c = site.svc.contest.contest
    return _svg(
        banner_svg(
            title=c.title,
            organiser=c.organiser,
            call=str(site.catalogue("web.public.banner_call")),
            url=site.public_url + "/",
        )
    )


@routes.get("/anh/{key}")
async def picture(request: web.Request) -> web.Response:
    """A question's picture, where Zalo fetches it (its key is the digest of its bytes, so
    the same address always holds the same picture)."""
    key = request.match_info["key"]
    stored = await site_of(request).svc.questions.image(key) if len(key) <= 80 else None
    if stored is None:
        raise web.HTTPNotFound()
    content_type, data = stored
    return web.Response(
        body=data,
        content_type=content_type,
        headers={"Cache-Control": "public, max-age=86400, immutable"},
    )


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    """The process is alive and serving."""
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """Ready when the database and Redis both answer; 503 naming what does not."""
    svc = site_of(request).svc

    async def database() -> None:
        async with svc.db.session() as s:
            await s.exec(text("SELECT 1"))  # type: ignore[call-overload]

    async def redis() -> None:
        await svc.store.redis.ping()

    checks = {"database": database, "redis": redis}
    found: dict[str, str] = {}
    for name, check in checks.items():
        try:
            await asyncio.wait_for(check(), READY_TIMEOUT)
            found[name] = "ok"
        except Exception as exc:  # any failure means not ready; say which
            log.warning("readiness: %s unreachable (%s)", name, type(exc).__name__)
            found[name] = "unreachable"
    ready = all(v == "ok" for v in found.values())
    return web.json_response(
        {"status": "ok" if ready else "unavailable", **found}, status=200 if ready else 503
    )


@routes.get("/metrics")
async def metrics_page(request: web.Request) -> web.Response:
    """Prometheus metrics; what lives in Redis and SQL is read now."""
    svc = site_of(request).svc
    metrics.LIVE_ATTEMPTS.set(await svc.store.live_count())
    sending = await svc.broadcasts.sending()
    remaining = 0
    for b in sending:
        if b.id is not None:
            remaining += (await svc.broadcasts.status(b.id)).remaining
    metrics.BROADCASTS_SENDING.set(len(sending))
    metrics.BROADCAST_REMAINING.set(remaining)
    response = web.Response(body=generate_latest())
    response.headers["Content-Type"] = CONTENT_TYPE_LATEST
    return response
