"""The web pages in process: the site of a whole bot (SQLite, in-process store, settable
clock) behind aiohttp's test server, and an organiser who signs in as from /admin."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App
from bot.web import JoinLinks, Site
from tests.support.client import Person
from tests.web.support import ORGANISER, ORGANISER_ID, Browser


@pytest.fixture
async def site(app: App) -> Site:
    """The site, with the bot's join links as a running bot would know them."""
    return Site(
        app.svc,
        public_url="http://quiz.example.gov.vn",
        links=JoinLinks(telegram_username="quiz_bot", zalo="https://zalo.me/1234567890"),
    )


@pytest.fixture
async def client(site: Site) -> AsyncIterator[TestClient[object, object]]:
    """An HTTP client talking to the site in process."""
    async with TestClient(TestServer(site.application())) as c:
        yield c


@pytest.fixture
def organiser(app: App) -> Person:
    """The organiser listed in the settings, in Telegram."""
    app.svc.admins = frozenset({ORGANISER})
    return Person.on(app, "telegram", ORGANISER_ID, "Ban Tổ chức")


@pytest.fixture
def browser(client: TestClient[object, object], site: Site) -> Browser:
    """Someone at a browser: follows links, fills forms."""
    return Browser(client, site)
