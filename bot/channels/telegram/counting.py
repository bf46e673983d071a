"""Counting the Telegram Bot API requests for /metrics (bot/metrics.py), as a session middleware."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from bot.metrics import api_call, api_rate_limited


class TelegramApiMetrics(BaseRequestMiddleware):
    """Counts every request an aiogram session makes, retries included, and every 429."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        api_call("telegram", method.__api_method__)
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter:
            api_rate_limited("telegram", method.__api_method__)
            raise
