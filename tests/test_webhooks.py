"""The shared webhook server: each channel's path, added before or after it starts."""

from __future__ import annotations

import socket

import httpx
import pytest
from aiohttp import web

from bot.config import Settings
from bot.webhooks import WebhookServer


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_each_path_reaches_its_own_channel_and_nothing_else_does() -> None:
    async def telegram(request: web.Request) -> web.Response:
        return web.Response(text="telegram")

    async def zalo(request: web.Request) -> web.Response:
        return web.Response(text="zalo")

    port = _free_port()
    server = WebhookServer("127.0.0.1", port)
    server.add("/telegram/webhook", telegram)
    await server.start()
    await server.start()  # a second channel starting it again changes nothing
    server.add("/zalo/webhook", zalo)  # added while running
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base) as http:
            assert (await http.post("/telegram/webhook")).text == "telegram"
            assert (await http.post("/zalo/webhook")).text == "zalo"
            assert (await http.post("/other")).status_code == 404
            assert (await http.get("/zalo/webhook")).status_code == 405
            with pytest.raises(RuntimeError, match="two channels"):
                server.add("/zalo/webhook", zalo)
        await server.stop_accepting()
        async with httpx.AsyncClient(base_url=base) as fresh:
            with pytest.raises(httpx.ConnectError):
                await fresh.post("/zalo/webhook")
    finally:
        await server.cleanup()


def _address_of_another_interface() -> str | None:
    """This machine's address on the network (no packet is sent), or None with loopback only."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
        except OSError:
            return None
        address = str(s.getsockname()[0])
    return None if address.startswith("127.") else address


async def test_by_default_the_webhook_server_is_reachable_from_this_machine_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WEBHOOK_HOST", raising=False)
    outside = _address_of_another_interface()
    assert outside is not None, "the test needs a network interface besides loopback"
    port = _free_port()
    server = WebhookServer(Settings(_env_file=None).web_host, port)
    server.add("/telegram/webhook", lambda request: _ok())
    await server.start()
    try:
        async with httpx.AsyncClient() as http:
            local = await http.post(f"http://127.0.0.1:{port}/telegram/webhook")
            assert local.text == "ok"
            with pytest.raises(httpx.ConnectError):
                await http.post(f"http://{outside}:{port}/telegram/webhook")
    finally:
        await server.cleanup()


async def _ok() -> web.Response:
    return web.Response(text="ok")
