"""Helpers for the web tests: an organiser who gets a sign-in link in chat and uses it, and
a browser-like client that reads pages as text and submits their forms."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from bot.web import Site
from tests.support.client import Person

ORGANISER_ID = "9001"
ORGANISER = f"telegram:{ORGANISER_ID}"
LINK = re.compile(r"https?://\S+/quan-tri/dang-nhap/[A-Za-z0-9_-]+")
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
TAG = re.compile(r"<[^>]+>")


def visible(page: str) -> str:
    """A page's text as a person reads it (tags dropped, whitespace folded)."""
    body = page.split("<body", 1)[-1].split(">", 1)[-1] if "<body" in page else page
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", body, flags=re.S)
    return " ".join(html.unescape(TAG.sub(" ", body)).split())


async def link_from_chat(person: Person) -> str:
    """Send /admin, tap "Mở trang quản trị", and return the link the bot gives."""
    await person.send("/admin")
    await person.tap("🌐 Mở trang quản trị")
    found = LINK.search(person.said)
    assert found, person.said
    return found.group(0)


@dataclass
class Browser:
    """An HTTP client that keeps cookies, reads pages and submits forms with their token."""

    client: TestClient[Any, Any]
    site: Site
    last: str = ""
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)

    async def get(self, path: str) -> str:
        async with self.client.get(path, allow_redirects=True) as resp:
            self.status, self.last = resp.status, await resp.text()
            self.headers = dict(resp.headers)
        return self.last

    async def post(self, path: str, data: dict[str, Any] | FormData, *, csrf: bool = True) -> str:
        """Submit a form; with `csrf`, the token of the last page shown is added."""
        if csrf and isinstance(data, dict):
            data = {"csrf": self.csrf(), **data}
        async with self.client.post(path, data=data, allow_redirects=True) as resp:
            self.status, self.last = resp.status, await resp.text()
            self.headers = dict(resp.headers)
        return self.last

    def csrf(self) -> str:
        found = CSRF.search(self.last)
        assert found, "no form with a CSRF token on the last page"
        return found.group(1)

    def hidden(self, name: str) -> str:
        """The value of a hidden field of the last page shown."""
        found = re.search(rf'type="hidden" name="{name}" value="([^"]*)"', self.last)
        assert found, f"no hidden field {name!r} on the last page"
        return found.group(1)

    @property
    def text(self) -> str:
        return visible(self.last)

    async def sign_in(self, link: str) -> None:
        """Open the link from chat and press the button on its page."""
        path = link.split("://", 1)[1].split("/", 1)[1]
        await self.get("/" + path)
        assert self.status == 200, self.text
        await self.post("/" + path, {}, csrf=False)
