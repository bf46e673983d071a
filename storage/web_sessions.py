"""Organisers' way into the web dashboard: one-time sign-in links and sessions, in Redis.

Only digests of the tokens are stored, so a copy of Redis opens nothing. A link is taken
with GETDEL, so two browsers racing with the same link cannot both get in. Expiry is checked
against the bot's clock (tests set it); Redis's own expiry only clears what is left over.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from redis.asyncio import Redis

from storage.keys import Keys

LINK_TTL = timedelta(minutes=5)
SESSION_TTL = timedelta(hours=8)
# Redis keeps a key this much longer than it is valid: the check is the bot's clock.
_LEFTOVER = timedelta(minutes=1)
# What token_urlsafe(32) makes; anything else is refused before Redis is asked.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


def _ms(delta: timedelta) -> int:
    return int(delta.total_seconds() * 1000)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in organiser: who (an engine user key), the form token, when it ends (ms)."""

    actor: str
    csrf: str
    expires_ms: int


class WebSessions:
    """Issues and redeems sign-in links, opens, reads and ends sessions."""

    def __init__(self, redis: Redis, keys: Keys) -> None:
        self.redis = redis
        self.keys = keys

    async def issue_link(self, actor: str, now_ms: int) -> str:
        """A new one-time token for `actor`, valid for LINK_TTL from `now_ms`."""
        token = secrets.token_urlsafe(32)
        value = json.dumps({"actor": actor, "exp": now_ms + _ms(LINK_TTL)})
        await self.redis.set(
            self.keys.web_link(_digest(token)), value, px=_ms(LINK_TTL + _LEFTOVER)
        )
        return token

    async def peek_link(self, token: str, now_ms: int) -> str | None:
        """Who a link would sign in, without using it up; None if it cannot be used."""
        if not _TOKEN.fullmatch(token):
            return None
        return _actor_of(await self.redis.get(self.keys.web_link(_digest(token))), now_ms)

    async def redeem_link(self, token: str, now_ms: int) -> str | None:
        """Use a link up: who it signs in, or None if it was used, expired or never issued."""
        if not _TOKEN.fullmatch(token):
            return None
        return _actor_of(await self.redis.getdel(self.keys.web_link(_digest(token))), now_ms)

    async def open(self, actor: str, now_ms: int) -> tuple[str, WebSession]:
        """A new session for `actor`: its cookie value and what it holds."""
        cookie = secrets.token_urlsafe(32)
        session = WebSession(actor, secrets.token_urlsafe(32), now_ms + _ms(SESSION_TTL))
        value = json.dumps({"actor": actor, "csrf": session.csrf, "exp": session.expires_ms})
        await self.redis.set(
            self.keys.web_session(_digest(cookie)), value, px=_ms(SESSION_TTL + _LEFTOVER)
        )
        return cookie, session

    async def get(self, cookie: str, now_ms: int) -> WebSession | None:
        """The session behind a cookie, if it exists and has not expired."""
        if not _TOKEN.fullmatch(cookie):
            return None
        raw = await self.redis.get(self.keys.web_session(_digest(cookie)))
        data = _loaded(raw)
        if data is None or int(str(data["exp"])) <= now_ms:
            return None
        return WebSession(str(data["actor"]), str(data["csrf"]), int(str(data["exp"])))

    async def close(self, cookie: str) -> None:
        """End a session (signing out)."""
        if _TOKEN.fullmatch(cookie):
            await self.redis.delete(self.keys.web_session(_digest(cookie)))


def _loaded(raw: bytes | str | None) -> dict[str, object] | None:
    if raw is None:
        return None
    data = json.loads(raw)
    return data if isinstance(data, dict) else None


def _actor_of(raw: bytes | str | None, now_ms: int) -> str | None:
    data = _loaded(raw)
    if data is None or int(str(data["exp"])) <= now_ms:
        return None
    return str(data["actor"])
