"""A Bot API session for the bench: no network, but the work a real session does on each call.

Each request is serialised as aiohttp's session would (every parameter through
`prepare_value`), and the answer comes back as JSON text parsed and validated by aiogram
(`check_response`), so the bench pays what the bot pays per call except the socket. It keeps
no list of calls, only counts and each chat's latest inline keyboard, so a thousand
participants tapping for minutes do not fill memory with recorded requests.
"""

from __future__ import annotations

import itertools
import json
import time
from collections import Counter
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

BOT = {"id": 42, "is_bot": True, "first_name": "Cuộc thi", "username": "cuoc_thi_bot"}


@dataclass(frozen=True, slots=True)
class Keyboard:
    """The inline keyboard of a message the bot sent to a chat: its id and each button's data."""

    message_id: int
    data: tuple[str, ...]


class BenchSession(BaseSession):
    """Answers every call like Telegram does; remembers what a participant needs to tap next."""

    def __init__(self) -> None:
        super().__init__()
        self.counts: Counter[str] = Counter()
        self.keyboards: dict[int, Keyboard] = {}
        self._ids = itertools.count(1000)

    async def close(self) -> None:
        return None

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - the signature aiogram defines
    ) -> TelegramType:
        files: dict[str, Any] = {}
        sent = {
            key: self.prepare_value(value, bot=bot, files=files)
            for key, value in method.model_dump(warnings=False).items()
        }
        name = method.__api_method__
        self.counts[name] += 1
        content = json.dumps({"ok": True, "result": self._result(name, sent)})
        return self.check_response(bot, method, 200, content).result  # type: ignore[return-value]

    def _result(self, name: str, sent: dict[str, Any]) -> Any:
        """Telegram's answer to a call, from the parameters as they were sent."""
        if name not in ("sendMessage", "editMessageText"):
            return True
        chat_id = int(sent["chat_id"])
        message_id = int(sent["message_id"]) if name == "editMessageText" else next(self._ids)
        markup = json.loads(sent.get("reply_markup") or "{}")
        if "inline_keyboard" in markup:
            data = tuple(
                b.get("callback_data", "") for row in markup["inline_keyboard"] for b in row
            )
            self.keyboards[chat_id] = Keyboard(message_id, data)
        return {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT,
            "text": sent["text"],
        }

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - the signature aiogram defines
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""


def bench_bot() -> tuple[Bot, BenchSession]:
    """A Bot whose calls go to a BenchSession."""
    session = BenchSession()
    bot = Bot("42:BENCH", session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    return bot, session
