"""`quizbot run`: the configured channels plus the background work of a bot process."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from aiogram.exceptions import TelegramUnauthorizedError
from aiogram.types import TelegramObject
from aiogram.webhook.aiohttp_server import SimpleRequestHandler

from bot.app import App
from bot.broadcast import Broadcaster
from bot.channels.base import Channel, RecipientBlockedError
from bot.channels.telegram.channel import CALL_FAILURES, TelegramChannel, failure_reason
from bot.channels.telegram.session import make_bot
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient, ZaloError
from bot.config import ConfigurationError
from bot.pacer import Pace, Pacer
from bot.scheduler import ContestJobs, LeaderLock, Scheduler
from bot.web import JoinLinks, Site
from bot.web.site import networks
from bot.webhooks import WebhookServer
from handlers import sample_bank
from handlers.events import Reply

log = logging.getLogger(__name__)

# How long stopping waits for updates being handled and background passes to finish.
DRAIN_SECONDS = 10.0
# Every update makes thousands of short-lived objects (aiogram's models of the update and of
# each Bot API call). With Python's default thresholds (700, 10, 10) the collector ran every
# few updates and its full passes stalled every update in flight: with 1,000 participants at
# once the bench measured a p99 of 190 ms at 500 taps a second, 15 ms with these.
GC_THRESHOLDS = (50_000, 20, 20)
# How long a thread may keep the GIL while another waits for it (Python's default is 5 ms).
# Closing a round builds its workbook in a worker thread while the event loop takes in the
# detail file from PostgreSQL and the answers of the evening: at 5 ms each handover back to
# the loop cost up to 5 ms, and closing a round of 1,300,000 people took 92 s instead of 65 s.
SWITCH_INTERVAL = 0.0005


class StartError(Exception):
    """A channel could not start; the message says why for the operator, with no address or
    token in it."""


def tune_interpreter() -> None:
    """A bot process's settings: collect garbage less often and never rescan what was loaded
    at start; hand the GIL between threads sooner."""
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    sys.setswitchinterval(SWITCH_INTERVAL)


class Runtime:
    """Starts the channels, the sweep of expired attempts and the broadcaster; stops them."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.channels: dict[str, Channel] = {}
        self.telegram: TelegramChannel | None = None
        self.zalo: ZaloChannel | None = None
        self.webhooks: WebhookServer | None = None
        self.site = Site(
            app.svc,
            public_url=app.settings.public_url(),
            links=JoinLinks(zalo=app.settings.zalo_bot_link),
            trusted_proxies=networks(app.settings.web_trusted_proxies),
        )
        self.tasks: list[asyncio.Task[None]] = []

    async def deliver(self, user_key: str, replies: list[Reply]) -> None:
        """Send replies owed to a user (for example a result after the sweep)."""
        channel_name, _, user_id = user_key.partition(":")
        channel = self.channels.get(channel_name)
        if channel is None:
            log.warning("no running channel %s for owed replies", channel_name)
            return
        try:
            await channel.send_to(user_id, replies)
        except RecipientBlockedError:
            log.info("a %s user blocked the bot; owed replies dropped", channel_name)
        except Exception as exc:  # one user's failure must not keep the others' replies
            log.warning("owed replies to a %s user not delivered: %s", channel_name, exc)

    async def _sweep(self) -> None:
        for user_key, replies in await self.app.engine.sweep():
            await self.deliver(user_key, list(replies))

    async def run(self, *, stop: asyncio.Event | None = None) -> None:
        """Run until stopped (SIGINT/SIGTERM, or `stop` being set).

        Stopping stops taking updates first, lets the ones being handled finish (Telegram has
        been told they arrived, so their replies are owed), lets the sweep and the broadcaster
        end their pass, and only then closes the connections.
        """
        settings = self.app.settings
        settings.check_channels()
        if public := await sample_bank.public_questions(self.app.svc):
            log.warning(
                "the active question bank %s has %d of %d questions from the sample bank shipped "
                "with the code, whose answers are public: load the contest's own bank before a "
                "real round (quizbot questions import FILE, or a file sent to the bot in /admin)",
                public.bank,
                public.public,
                public.total,
            )
        stop = stop or asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        in_flight = InFlight()
        stop_receiving: list[Callable[[], Awaitable[None]]] = []
        cleanups: list[Callable[[], Awaitable[None]]] = []
        try:
            # The web pages serve from the start, also in polling mode; webhooks join later.
            await self._webhook_server(cleanups)
            if settings.telegram_bot_token:
                stop_receiving.append(await self._start_telegram(in_flight, cleanups))
            if settings.zalo_bot_token:
                stop_receiving.append(await self._start_zalo(cleanups))
            if not self.channels:
                log.error("no channel configured: set TELEGRAM_BOT_TOKEN or ZALO_BOT_TOKEN")
                return
            sending = self.app.svc.sending
            rates = dict(sending.rates)
            if sending.paid:
                rates["telegram:paid"] = sending.paid_rate
            broadcaster = Broadcaster(self.app.svc, self.channels, rates=rates, stop=stop)
            scheduler = self._scheduler()
            scheduler.start()
            cleanups.insert(0, scheduler.shutdown)
            background = [
                asyncio.create_task(broadcaster.run_forever(leading=lambda: scheduler.leader))
            ]
            log.info("running channels: %s", ", ".join(self.channels))
            await stop.wait()
            log.info("stopping")
            await _wind_down(stop_receiving, in_flight, background)
        finally:
            for cleanup in cleanups:
                await cleanup()

    def _pacer(self, platform: str, per_second: float) -> Pacer:
        """The platform's outbound pace, shared with every process on the same Redis."""
        store = self.app.store
        pace = Pace(per_second=per_second, paid_per_second=self.app.svc.sending.paid_rate)
        return Pacer(store.redis, store.keys.prefix, platform, pace)

    def _scheduler(self) -> Scheduler:
        """Rounds on time, reminders, the sweep and the winners, run by one process at a time."""
        settings = self.app.settings
        jobs = ContestJobs(self.app.svc, reminders=settings.reminder_days)
        lock = LeaderLock(
            self.app.store.redis,
            self.app.store.keys.leader,
            ttl_ms=int(settings.leader_ttl_seconds * 1000),
        )
        return Scheduler(jobs, lock, sweep=self._sweep, sweep_seconds=settings.sweep_seconds)

    async def _start_telegram(
        self, in_flight: InFlight, cleanups: list[Callable[[], Awaitable[None]]]
    ) -> Callable[[], Awaitable[None]]:
        """Start taking Telegram updates; returns what stops taking them."""
        settings = self.app.settings
        assert settings.telegram_bot_token is not None
        bot = make_bot(
            settings.telegram_bot_token.get_secret_value(),
            settings.telegram_api_base,
            pacer=self._pacer("telegram", settings.telegram_send_rate),
        )
        cleanups.append(bot.session.close)
        tg = TelegramChannel(
            bot,
            self.app.engine,
            self.app.store,
            self.app.svc.texts,
            flood_limit=settings.flood_limit,
            flood_window=settings.flood_window,
        )
        tg.dispatcher.update.outer_middleware(in_flight)
        if self.app.svc.sending.paid:
            self.app.svc.sending.star_balance = tg.star_balance
        self.telegram = tg
        self.channels[tg.name] = tg
        try:
            await tg.set_commands()
            # The public page's join button and QR code need the bot's username.
            self.site.links.telegram_username = (await bot.me()).username or ""
            if settings.telegram_mode == "webhook":
                server = await self._start_webhook(tg, cleanups)
                return server.stop_accepting
            await bot.delete_webhook(drop_pending_updates=False)
        except TelegramUnauthorizedError:
            raise StartError("Telegram refused TELEGRAM_BOT_TOKEN (401 Unauthorized)") from None
        except CALL_FAILURES as exc:
            # Not chained: the exception carries the address, and the address the token.
            raise StartError(
                f"the Telegram Bot API at {settings.telegram_api_base} (TELEGRAM_API_BASE) "
                f"failed at start: {failure_reason(exc)}"
            ) from None
        polling = asyncio.create_task(self._poll(tg))
        return partial(_stop_polling, tg, polling)

    async def _poll(self, tg: TelegramChannel) -> None:
        await tg.dispatcher.start_polling(
            tg.bot,
            handle_signals=False,
            close_bot_session=False,
            allowed_updates=["message", "callback_query"],
        )

    async def _start_webhook(
        self, tg: TelegramChannel, cleanups: list[Callable[[], Awaitable[None]]]
    ) -> WebhookServer:
        s = self.app.settings
        if not s.telegram_webhook_url or s.telegram_webhook_secret is None:
            raise ConfigurationError(
                "webhook mode needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET"
            )
        secret = s.telegram_webhook_secret.get_secret_value()
        server = await self._webhook_server(cleanups)
        handler = SimpleRequestHandler(tg.dispatcher, tg.bot, secret_token=secret)
        server.add(s.telegram_webhook_path, handler.handle)
        url = s.telegram_webhook_url.rstrip("/") + s.telegram_webhook_path
        await tg.bot.set_webhook(
            url, secret_token=secret, allowed_updates=["message", "callback_query"]
        )
        log.info("webhook listening on %s:%s%s", s.web_host, s.web_port, s.telegram_webhook_path)
        return server

    async def _webhook_server(self, cleanups: list[Callable[[], Awaitable[None]]]) -> WebhookServer:
        """The one webhook server of this process (Telegram and Zalo share it), started."""
        if self.webhooks is None:
            s = self.app.settings
            self.webhooks = WebhookServer(s.web_host, s.web_port, self.site.application())
            cleanups.insert(0, self.webhooks.cleanup)
        await self.webhooks.start()
        return self.webhooks

    async def _start_zalo(
        self, cleanups: list[Callable[[], Awaitable[None]]]
    ) -> Callable[[], Awaitable[None]]:
        """Start taking Zalo updates; returns what stops taking them and drains the handling."""
        s = self.app.settings
        assert s.zalo_bot_token is not None
        client = ZaloClient(
            s.zalo_bot_token.get_secret_value(),
            base_url=s.zalo_api_base,
            pacer=self._pacer("zalo", s.zalo_send_rate),
        )
        cleanups.append(client.aclose)
        zalo = ZaloChannel(
            client,
            self.app.engine,
            self.app.store,
            self.app.svc.texts,
            flood_limit=s.flood_limit,
            flood_window=s.flood_window,
        )
        try:
            log.info("Zalo bot %s", await zalo.check())
        except ZaloError as exc:  # its message never holds the address (see ZaloClient)
            raise StartError(f"the Zalo Bot API failed at start: {exc}") from None
        self.zalo = zalo
        self.channels[zalo.name] = zalo
        server: WebhookServer | None = None
        if s.zalo_mode == "webhook":
            if not s.zalo_webhook_url or s.zalo_webhook_secret is None:
                raise ConfigurationError(
                    "webhook mode needs ZALO_WEBHOOK_URL and ZALO_WEBHOOK_SECRET"
                )
            server = await self._webhook_server(cleanups)
            server.add(s.zalo_webhook_path, zalo.on_webhook)
            url = s.zalo_webhook_url.rstrip("/") + s.zalo_webhook_path
            await zalo.use_webhook(url, s.zalo_webhook_secret.get_secret_value())
            log.info("Zalo webhook on %s:%s%s", s.web_host, s.web_port, s.zalo_webhook_path)
        else:
            await zalo.start_polling()

        async def stop() -> None:
            if server is not None:
                await server.stop_accepting()
            await zalo.stop(DRAIN_SECONDS)

        return stop


class InFlight:
    """Counts the updates being handled (a dispatcher middleware), so stopping can await them."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        self.count += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self.count -= 1
            if self.count == 0:
                self._idle.set()

    async def drained(self, timeout: float) -> bool:  # noqa: ASYNC109 - a deadline shared by several waits
        """Wait until no update is being handled; False if some still are after `timeout`."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True


async def _wind_down(
    stop_receiving: list[Callable[[], Awaitable[None]]],
    in_flight: InFlight,
    background: list[asyncio.Task[None]],
) -> None:
    """Take no more updates, then give the work in progress DRAIN_SECONDS to finish."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + DRAIN_SECONDS
    for stop_channel in stop_receiving:
        await stop_channel()
    if not await in_flight.drained(max(deadline - loop.time(), 0)):
        log.warning("stopping with %d updates still being handled", in_flight.count)
    _, unfinished = await asyncio.wait(background, timeout=max(deadline - loop.time(), 0))
    for task in unfinished:
        log.warning("background work still running when stopping: cancelled")
        task.cancel()
    for task in background:
        await _finish(task)


async def _stop_polling(tg: TelegramChannel, polling: asyncio.Task[None]) -> None:
    """Stop asking for updates. Cancelling the polling task instead would leave aiogram's
    inner polling loop running, still fetching (and confirming) updates nobody will handle."""
    if not polling.done():
        try:
            await tg.dispatcher.stop_polling()
        except RuntimeError:  # polling has not started yet
            polling.cancel()
    await _finish(polling)


async def _finish(task: asyncio.Task[None]) -> None:
    """Await a task that was stopped or cancelled; its failure is logged, not raised."""
    try:
        await task
    except asyncio.CancelledError:
        pass
    except Exception:
        log.exception("a background task failed")
