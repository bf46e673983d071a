"""The Bot the channel talks through: every call paced (bot/pacer.py), retried when worth it,
and counted for /metrics."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.channels.telegram.counting import TelegramApiMetrics
from bot.pacer import Pacer

log = logging.getLogger(__name__)

# Methods that do not put or change a message in a chat but start like those that do.
_NOT_MESSAGES = frozenset({"sendChatAction", "sendMessageDraft", "sendChatJoinRequestWebApp"})
_MESSAGE_PREFIXES = ("send", "copyMessage", "forwardMessage", "editMessage", "stopPoll")
# How many 429s a call outlives: with the pace shared, one is rare and a few in a row mean
# the platform is slower than configured; a reply still goes out, later, rather than never.
PATIENCE = 30


def is_message(method: str) -> bool:
    """Whether a Bot API method counts against the flood limits (answerCallbackQuery does not)."""
    return method.startswith(_MESSAGE_PREFIXES) and method not in _NOT_MESSAGES


def chat_of(method: TelegramMethod[TelegramType]) -> str | int | None:
    """The chat a call writes to, if it names one."""
    chat = getattr(method, "chat_id", None)
    return chat if isinstance(chat, str | int) else None


class PacedCalls(BaseRequestMiddleware):
    """Every message call waits for its turn in the shared pace; tap answers go at once."""

    def __init__(self, pacer: Pacer) -> None:
        self.pacer = pacer

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if is_message(method.__api_method__):
            await self.pacer.turn(chat_of(method))
        return await make_request(bot, method)


class RetryMiddleware(BaseRequestMiddleware):
    """Retries a call after a 429 (waiting retry_after) or a network or server error (backoff).

    With a pacer, a 429 holds the shared pace (every process, every chat) for retry_after and
    the call is tried again in its turn, up to `patience` times; without one it sleeps.
    """

    def __init__(
        self,
        *,
        attempts: int = 4,
        patience: int | None = None,
        base_delay: float = 0.5,
        max_wait: float = 60.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        pacer: Pacer | None = None,
    ) -> None:
        self.attempts = attempts
        self.patience = patience if patience is not None else attempts
        self.base_delay = base_delay
        self.max_wait = max_wait
        self.sleep = sleep
        self.pacer = pacer

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        failures = limited = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                limited += 1
                if limited >= self.patience or exc.retry_after > self.max_wait:
                    raise
                log.warning("429 on %s: waiting %s s", method.__api_method__, exc.retry_after)
                if self.pacer is not None and is_message(method.__api_method__):
                    await self.pacer.hold(exc.retry_after, chat_of(method))
                else:
                    await self.sleep(exc.retry_after)
            except (TelegramNetworkError, TelegramServerError) as exc:
                failures += 1
                # A paid message may have gone out and been charged before the answer was
                # lost: sent again, it would be charged again, past what the budget counted.
                if failures >= self.attempts or getattr(method, "allow_paid_broadcast", None):
                    raise
                delay = self.base_delay * 2 ** (failures + limited - 1)
                log.warning(
                    "%s on %s: retrying in %.1f s", type(exc).__name__, method.__api_method__, delay
                )
                await self.sleep(delay)


def make_bot(
    token: str, api_base: str, *, timeout: float = 30.0, pacer: Pacer | None = None
) -> Bot:
    """A Bot talking to `api_base` (Telegram's, or a self-hosted Bot API server)."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api_base), timeout=timeout)
    session.middleware(RetryMiddleware(pacer=pacer, patience=PATIENCE if pacer else None))
    if pacer is not None:
        session.middleware(PacedCalls(pacer))  # inside the retries: a retry waits its turn
    session.middleware(TelegramApiMetrics())  # inside the retries: counts every request
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
