"""One HTTP server for the webhooks of every channel, each on its own path.

Telegram and Zalo in webhook mode share WEB_HOST:WEB_PORT (one port to open, one
reverse-proxy target) with the web pages. Paths are looked up per request, so a channel can
add its route after the server has started: each channel starts serving before it asks its
platform to call it. A body that is not JSON is answered 400, with one line in the log.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class WebhookServer:
    """Serves POSTs on the paths channels add; anything else is 404 or 405."""

    def __init__(self, host: str, port: int, site: web.Application | None = None) -> None:
        self.host = host
        self.port = port
        # The web pages (bot/web) served beside the webhooks; their routes come first.
        self.site = site
        self.routes: dict[str, Handler] = {}
        self._runner: web.AppRunner | None = None

    def add(self, path: str, handler: Handler) -> None:
        """Serve POSTs to `path` with `handler` (from now on, even if already started)."""
        if path in self.routes:
            raise RuntimeError(f"two channels want the webhook path {path}")
        self.routes[path] = handler

    async def start(self) -> None:
        """Start listening (once; later calls do nothing)."""
        if self._runner is not None:
            return
        app = self.site if self.site is not None else web.Application()
        app.router.add_route("*", "/{path:.*}", self._dispatch)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port)
        await site.start()
        self._runner = runner
        log.info("web server listening on %s:%s", self.host, self.port)

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        handler = self.routes.get(request.path)
        if handler is None:
            raise web.HTTPNotFound()
        if request.method != "POST":
            raise web.HTTPMethodNotAllowed(request.method, ["POST"])
        try:
            return await handler(request)
        except ValueError:
            # The handler read a body that is not JSON (after checking the secret): a bad
            # request, said in one line, not a server error with a traceback.
            log.warning("webhook %s: a body that is not JSON was refused (400)", request.path)
            return web.json_response({"ok": False, "description": "Bad Request"}, status=400)

    async def stop_accepting(self) -> None:
        """Stop taking requests; the ones being served carry on."""
        if self._runner is not None:
            for site in list(self._runner.sites):
                await site.stop()

    async def cleanup(self) -> None:
        """Close the server."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
