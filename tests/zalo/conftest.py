"""In-process Zalo fixtures: the channel polling the fake Zalo server, feeding the real engine."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient
from tests.fake_zalo import FakeZalo
from tests.zalo.participant import ZaloParticipant

SECRET = "s3cret-Zalo_hook"


@pytest.fixture
async def zl() -> AsyncIterator[FakeZalo]:
    async with FakeZalo() as server:
        yield server


@pytest.fixture
async def zalo_client(zl: FakeZalo) -> AsyncIterator[ZaloClient]:
    async with ZaloClient(zl.token, base_url=zl.base_url) as client:
        yield client


@pytest.fixture
def channel(app: App, zalo_client: ZaloClient) -> ZaloChannel:
    """The channel, not yet taking updates (tests start polling or serve the webhook)."""
    return ZaloChannel(
        zalo_client, app.engine, app.store, app.svc.texts, flood_limit=1000, poll_seconds=1
    )


@pytest.fixture
async def polling(channel: ZaloChannel) -> AsyncIterator[ZaloChannel]:
    """The channel polling the fake server."""
    await channel.start_polling()
    yield channel
    assert await channel.stop()


@pytest.fixture
async def webhook(channel: ZaloChannel, zl: FakeZalo) -> AsyncIterator[str]:
    """The channel's webhook route served on a loopback port and set on the fake; its URL."""
    app = web.Application()
    app.router.add_post("/zalo/webhook", channel.on_webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/zalo/webhook"
    await channel.use_webhook(url, SECRET)
    yield url
    assert await channel.stop()
    await runner.cleanup()


@pytest.fixture
def an(zl: FakeZalo) -> ZaloParticipant:
    return ZaloParticipant(zl, zl.user("a1b2c3d4e5", "An Nguyễn"))
