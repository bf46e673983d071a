"""The fake Telegram server and a real aiogram Bot talking to it over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from tests.fake_telegram import FakeTelegram, Limits

TOKEN = "123456:TEST-token"


class LocalSession(AiohttpSession):
    """AiohttpSession without the 250 ms pause its close() makes for TLS connections (none here)."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(tg: FakeTelegram, token: str = TOKEN) -> Bot:
    """A real aiogram Bot whose API server is the fake."""
    return Bot(token, session=LocalSession(api=TelegramAPIServer.from_base(tg.base_url)))


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    """One row of callback buttons."""
    row = [InlineKeyboardButton(text=t, callback_data=d) for t, d in pairs]
    return InlineKeyboardMarkup(inline_keyboard=[row])


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    # These tests check the fake's other behaviours with a bare aiogram Bot (no pacer), many
    # calls in a row to one chat; the limits have their own tests (test_flood_limits.py).
    async with FakeTelegram(TOKEN, limits=Limits.off()) as server:
        yield server


@pytest.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with make_bot(tg) as b:
        yield b
