"""A Bot session that records every API call and answers like Telegram would (no network).

The pattern of aiogram's own tests/mocked_bot.py, with results made up from the request so
that whole conversations run without staging each response. Files "uploaded" by test users
are served back through getFile and the download stream.

A call made with the channel's own small methods (bot.channels.telegram.calls) is recorded as
Telegram reads it: aiogram's method of that name with the same parameters (the markup's JSON
text read back into aiogram's markup), and its answer goes through the session's
`check_response` as JSON, so the small methods' markup and result types are what is tested.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.enums import ParseMode
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Document, File, Message, PhotoSize, User

BOT_USER = User(id=42, is_bot=True, first_name="Cuộc thi", username="cuoc_thi_bot")
# aiogram's method of each Bot API name the channel's small methods use.
STANDARD: dict[str, type[TelegramMethod[Any]]] = {
    m.__api_method__: m for m in (SendMessage, EditMessageText, AnswerCallbackQuery)
}


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
        standard = self.as_read(method)
        self.calls.append(standard)
        if self.failures:
            raise self.failures.pop(0)
        result = self._result(standard)
        if standard is method:
            return result  # type: ignore[no-any-return]
        if isinstance(result, Message):
            result = result.model_dump(mode="json", by_alias=True, exclude_none=True)
        content = json.dumps({"ok": True, "result": result})
        return self.check_response(bot, method, 200, content).result

    def as_read(self, method: TelegramMethod[Any]) -> TelegramMethod[Any]:
        """The call as Telegram reads it, as aiogram's method of that name."""
        if type(method).__module__.startswith("aiogram."):
            return method
        wire = {k: v for k, v in method.model_dump(warnings=False).items() if v is not None}
        if "reply_markup" in wire:
            wire["reply_markup"] = json.loads(wire["reply_markup"])
        return STANDARD[method.__api_method__].model_validate(wire)

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
        if isinstance(method, SendPhoto | EditMessageCaption):
            message_id = (
                method.message_id if isinstance(method, EditMessageCaption) else next(self._ids)
            )
            self._message_ids[id(method)] = message_id or 0
            file_id = method.photo if isinstance(method, SendPhoto) else "edited"
            return Message(
                message_id=message_id or 0,
                date=now,
                chat=Chat(id=int(method.chat_id or 0), type="private"),
                from_user=BOT_USER,
                caption=method.caption,
                photo=[
                    PhotoSize(
                        file_id=file_id if isinstance(file_id, str) else f"photo{message_id}",
                        file_unique_id=f"u{message_id}",
                        width=640,
                        height=480,
                    )
                ],
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
