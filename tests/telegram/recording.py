"""A Bot session that records every API call and answers like Telegram would (no network).

The pattern of aiogram's own tests/mocked_bot.py, with results made up from the request so
that whole conversations run without staging each response. Files "uploaded" by test users
are served back through getFile and the download stream.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import (
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Document, File, Message, User

BOT_USER = User(id=42, is_bot=True, first_name="Cuộc thi", username="cuoc_thi_bot")


class RecordingSession(BaseSession):
    """Keeps every call in `calls` and answers it with a plausible result."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self.files: dict[str, bytes] = {}
        self.failures: list[Exception] = []
        self._ids = itertools.count(1000)
        self._message_ids: dict[int, int] = {}

    async def close(self) -> None:
        return None

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - the signature aiogram defines
    ) -> TelegramType:
        self.calls.append(method)
        if self.failures:
            raise self.failures.pop(0)
        return self._result(method)  # type: ignore[no-any-return]

    def _result(self, method: TelegramMethod[Any]) -> Any:
        now = datetime.now(UTC)
        if isinstance(method, SendMessage | EditMessageText):
            chat_id = int(method.chat_id or 0)
            message_id = (
                method.message_id if isinstance(method, EditMessageText) else next(self._ids)
            )
            self._message_ids[id(method)] = message_id or 0
            return Message(
                message_id=message_id or 0,
                date=now,
                chat=Chat(id=chat_id, type="private"),
                from_user=BOT_USER,
                text=method.text,
            )
        if isinstance(method, SendDocument):
            return Message(
                message_id=next(self._ids),
                date=now,
                chat=Chat(id=int(method.chat_id), type="private"),
                from_user=BOT_USER,
                document=Document(file_id="sent", file_unique_id="sent", file_name="x.xlsx"),
            )
        if isinstance(method, GetFile):
            return File(
                file_id=method.file_id,
                file_unique_id=method.file_id,
                file_path=f"documents/{method.file_id}",
            )
        if isinstance(method, GetMe):
            return BOT_USER
        return True

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,  # noqa: ASYNC109 - the signature aiogram defines
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield self.files.get(url.rsplit("/", 1)[-1], b"")

    def message_id_of(self, call: TelegramMethod[Any]) -> int:
        """The message id the bot got back for a sendMessage or editMessageText call."""
        return self._message_ids[id(call)]

    def of(self, kind: type[TelegramMethod[Any]]) -> list[Any]:
        """The calls of one method, in order."""
        return [c for c in self.calls if isinstance(c, kind)]


def recording_bot() -> tuple[Bot, RecordingSession]:
    """A Bot whose calls go to a RecordingSession."""
    session = RecordingSession()
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    return bot, session
