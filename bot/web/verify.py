"""Checking a certificate: `/xac-minh/<code>`, the address its QR code opens, and `/xac-minh`,
a form to type a code.

A valid code shows what the certificate says (holder, unit and locality, prize, round, day of
issue); an unknown or malformed one, "Mã không hợp lệ"; a revoked one, that it was revoked,
with nothing about its holder. No sign-in; answers are never cached (a revocation shows at
once) nor indexed by search engines.

Guessing codes is hopeless by their number alone (32⁸ ≈ 1.1 × 10¹², handlers.verification);
on top of that each client (an IPv6 one by its /64 network) may look up LOOKUPS codes per
WINDOW, so trying codes in bulk from one address gets nowhere: at 20 a minute, finding one
of ten thousand issued codes would take about ten years.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from aiohttp import web
from redis.exceptions import RedisError

from bot.web.site import IPNetwork, refuse, render, site_of
from handlers.certificates import whereabouts
from handlers.verification import PATH, Status, Verification, canonical, shown, verify

log = logging.getLogger(__name__)
routes = web.RouteTableDef()

LOOKUPS = 20
WINDOW = 60
# A typed code longer than this is shown cut short on the page.
SHOWN_TYPED = 40
# A client's address in a key is at most this long (an IPv6 address takes 45 characters).
MAX_CLIENT = 64
# An IPv6 client is counted by its network of this size (a line's usual allocation).
IPV6_PREFIX = 64
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


@routes.get(PATH)
async def form(request: web.Request) -> web.StreamResponse:
    """The form; a code typed into it is checked at its own address."""
    typed = request.query.get("ma", "")
    if not typed.strip():
        return _page(request, None, "")
    stored = canonical(typed)
    if stored is not None:
        raise web.HTTPSeeOther(f"{PATH}/{shown(stored)}")
    return await _checked(request, typed)


@routes.get(PATH + "/{code}")
async def check(request: web.Request) -> web.StreamResponse:
    """What the certificate with this code says, or that the code is not valid."""
    return await _checked(request, request.match_info["code"])


async def _checked(request: web.Request, typed: str) -> web.StreamResponse:
    if not await _within_limit(request):
        response = refuse(request, 429, "web.refused.too_many")
        response.headers["Retry-After"] = str(WINDOW)
        return response
    found = await verify(site_of(request).svc, typed)
    return _page(request, found, typed)


def _page(request: web.Request, found: Verification | None, typed: str) -> web.Response:
    typed = " ".join(typed.split())
    if len(typed) > SHOWN_TYPED:
        typed = typed[: SHOWN_TYPED - 1] + "…"
    context: dict[str, Any] = {"found": found, "typed": typed, "Status": Status}
    if found is not None and found.status == Status.VALID:
        context["holder_at"] = whereabouts(found.unit, found.locality)
    response = render(request, "verify.html", **context)
    response.headers.update(HEADERS)
    return response


async def _within_limit(request: web.Request) -> bool:
    """Count a lookup from the request's client; False past LOOKUPS in the current WINDOW.

    Should Redis fail, the lookup is let through: it needs only the database, and the
    number of codes alone keeps guessing hopeless."""
    store = site_of(request).svc.store
    key = f"{store.keys.prefix}:verify:{counted_as(client_of(request))[:MAX_CLIENT]}"
    try:
        async with store.redis.pipeline(transaction=True) as pipe:
            # The window starts with the first lookup (SET NX keeps it), INCR keeps its expiry.
            pipe.set(key, 0, ex=WINDOW, nx=True)
            pipe.incr(key)
            _, count = await pipe.execute()
    except RedisError as exc:
        log.warning("certificate lookups not counted: Redis unreachable (%s)", type(exc).__name__)
        return True
    if int(count) == LOOKUPS + 1:
        log.warning("certificate lookups: one client went past %d in %d s", LOOKUPS, WINDOW)
    return int(count) <= LOOKUPS


def client_of(request: web.Request) -> str:
    """Who asks: the peer, or, when the peer is a trusted reverse proxy
    (WEB_TRUSTED_PROXIES), the client it names last in X-Forwarded-For (the address it saw;
    anything before it the client could have written)."""
    peer = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if forwarded and _is_proxy(peer, site_of(request).trusted_proxies):
        last = forwarded.split(",")[-1].strip()
        if last:
            return last
    return peer


def counted_as(client: str) -> str:
    """Whom lookups are counted against: an IPv4 address, or the /64 network of an IPv6 one
    (one home or mobile line holds a whole /64, so its addresses are one client)."""
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return client
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
    return str(address)


def _is_proxy(peer: str, trusted: tuple[IPNetwork, ...]) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in trusted)
