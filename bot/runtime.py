"""`quizbot run`: the configured channels plus the background work of a bot process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Callable

from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.app import App
from bot.broadcast import Broadcaster
from bot.channels.base import Channel, RecipientBlockedError
from bot.channels.telegram.channel import TelegramChannel, make_bot
from handlers.rounds import reconcile

log = logging.getLogger(__name__)


class Runtime:
    """Starts the channels, the sweep of expired attempts and the broadcaster; stops them."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.channels: dict[str, Channel] = {}
        self.telegram: TelegramChannel | None = None
        self.tasks: list[asyncio.Task[None]] = []

    async def deliver(self, user_key: str, replies: list[object]) -> None:
        """Send replies owed to a user (for example a result after the sweep)."""
        channel_name, _, user_id = user_key.partition(":")
        channel = self.channels.get(channel_name)
        if channel is None:
            log.warning("no running channel %s for owed replies", channel_name)
            return
        try:
            await channel.send_to(user_id, replies)  # type: ignore[arg-type]
        except RecipientBlockedError:
            log.info("a %s user blocked the bot; owed replies dropped", channel_name)

    async def _every(self, seconds: float, job: Callable[[], Awaitable[None]], name: str) -> None:
        while True:
            try:
                await job()
            except Exception:
                log.exception("%s failed; trying again in %s s", name, seconds)
            await asyncio.sleep(seconds)

    async def _sweep(self) -> None:
        for user_key, replies in await self.app.engine.sweep():
            await self.deliver(user_key, list(replies))

    async def run(self, *, stop: asyncio.Event | None = None) -> None:
        """Run until stopped (SIGINT/SIGTERM, or `stop` being set)."""
        settings = self.app.settings
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        await reconcile(self.app.svc)
        runners: list[asyncio.Task[None]] = []
        cleanups: list[Callable[[], Awaitable[None]]] = []
        if settings.telegram_bot_token:
            bot = make_bot(
                settings.telegram_bot_token.get_secret_value(), settings.telegram_api_base
            )
            tg = TelegramChannel(
                bot,
                self.app.engine,
                self.app.store,
                self.app.svc.texts,
                flood_limit=settings.flood_limit,
                flood_window=settings.flood_window,
            )
            self.telegram = tg
            self.channels[tg.name] = tg
            await tg.set_commands()
            if settings.telegram_mode == "webhook":
                cleanups.append(await self._start_webhook(tg))
            else:
                await bot.delete_webhook(drop_pending_updates=False)
                runners.append(asyncio.create_task(self._poll(tg)))
            cleanups.append(bot.session.close)
        if not self.channels:
            log.error("no channel configured: set TELEGRAM_BOT_TOKEN")
            return
        broadcaster = Broadcaster(
            self.app.svc, self.channels, rates={"telegram": settings.telegram_broadcast_rate}
        )
        runners.append(
            asyncio.create_task(self._every(settings.sweep_seconds, self._sweep, "sweep"))
        )
        runners.append(asyncio.create_task(broadcaster.run_forever()))
        log.info("running channels: %s", ", ".join(self.channels))
        await stop.wait()
        log.info("stopping")
        for task in runners:
            task.cancel()
        for task in runners:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for cleanup in cleanups:
            await cleanup()

    async def _poll(self, tg: TelegramChannel) -> None:
        await tg.dispatcher.start_polling(
            tg.bot,
            handle_signals=False,
            close_bot_session=False,
            allowed_updates=["message", "callback_query"],
        )

    async def _start_webhook(self, tg: TelegramChannel) -> Callable[[], Awaitable[None]]:
        s = self.app.settings
        if not s.telegram_webhook_url or s.telegram_webhook_secret is None:
            raise RuntimeError(
                "webhook mode needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET"
            )
        secret = s.telegram_webhook_secret.get_secret_value()
        web_app = web.Application()
        SimpleRequestHandler(tg.dispatcher, tg.bot, secret_token=secret).register(
            web_app, path=s.telegram_webhook_path
        )
        runner = web.AppRunner(web_app)
        await runner.setup()
        site = web.TCPSite(runner, s.webhook_host, s.webhook_port)
        await site.start()
        url = s.telegram_webhook_url.rstrip("/") + s.telegram_webhook_path
        await tg.bot.set_webhook(
            url, secret_token=secret, allowed_updates=["message", "callback_query"]
        )
        log.info(
            "webhook listening on %s:%s%s", s.webhook_host, s.webhook_port, s.telegram_webhook_path
        )
        return runner.cleanup
