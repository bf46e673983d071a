"""A Bot session that answers every API call like Telegram would (no network) and records it.

The pattern of aiogram's own tests/mocked_bot.py, with results made up from the request so
that whole conversations run without staging each response. Files "uploaded" by test users
are served back through getFile and the download stream.

Every call is serialised as aiohttp's session would (every parameter through `prepare_value`),
and the answer, made from the parameters as they were sent, comes back as JSON text parsed and
validated by aiogram (`check_response`): the bot pays what it pays per call except the socket,
which is what the bench (bench/answers.py) measures with it.

Tests keep every call in `calls`, as Telegram reads it: a call made with the channel's own
small methods (bot.channels.telegram.calls) is recorded as aiogram's method of that name with
the same parameters (the markup's JSON text read back into aiogram's markup), so the small
methods' markup and result types are what is tested. The bench keeps no calls
(`keep_calls=False`), only `counts` and each chat's latest inline keyboard (`keyboards`), so a
thousand participants tapping for minutes do not fill memory with recorded requests.
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
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageMedia,
    EditMessageText,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import BufferedInputFile, User

from tests.fake_telegram.models import UploadedFile

BOT = {"id": 42, "is_bot": True, "first_name": "Cuộc thi", "username": "cuoc_thi_bot"}
BOT_USER = User.model_validate(BOT)
# aiogram's method of each Bot API name the channel's small methods use.
STANDARD: dict[str, type[TelegramMethod[Any]]] = {
    m.__api_method__: m for m in (SendMessage, EditMessageText, AnswerCallbackQuery)
}
# Calls that send or change a message, answered with that message.
SEND = {"sendMessage", "sendPhoto", "sendDocument"}
EDIT = {"editMessageText", "editMessageCaption", "editMessageMedia"}


@dataclass(frozen=True, slots=True)
class Keyboard:
    """The inline keyboard of a message the bot sent to a chat: its id and each button's data."""

    message_id: int
    data: tuple[str, ...]


class RecordingSession(BaseSession):
    """Answers every call with a plausible result; keeps it in `calls` unless told not to."""

    def __init__(self, *, keep_calls: bool = True) -> None:
        super().__init__()
        self.keep_calls = keep_calls
        self.calls: list[TelegramMethod[Any]] = []
        self.counts: Counter[str] = Counter()
        self.keyboards: dict[int, Keyboard] = {}
        self.files: dict[str, bytes] = {}
        self.failures: list[Exception] = []
        self._ids = itertools.count(1000)
        self._photos = itertools.count(1)
        # Each photo uploaded, by the id Telegram gave it: what a photo sent by id shows.
        self.uploaded: dict[str, bytes] = {}
        self._sent: dict[int, dict[str, Any]] = {}
        self._message_ids: dict[int, int] = {}

    async def close(self) -> None:
        return None

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - the signature aiogram defines
    ) -> TelegramType:
        name = method.__api_method__
        self.counts[name] += 1
        standard = None
        if self.keep_calls:
            standard = self.as_read(method)
            self.calls.append(standard)
        if self.failures:
            raise self.failures.pop(0)
        files: dict[str, Any] = {}
        sent = {
            key: self.prepare_value(value, bot=bot, files=files)
            for key, value in method.model_dump(warnings=False).items()
        }
        if standard is not None:
            self._sent[id(standard)] = _as_read(sent, files)
        result = self._result(name, sent, files)
        if standard is not None and isinstance(result, dict) and "message_id" in result:
            self._message_ids[id(standard)] = result["message_id"]
        content = json.dumps({"ok": True, "result": result})
        return self.check_response(bot, method, 200, content).result  # type: ignore[return-value]

    def as_read(self, method: TelegramMethod[Any]) -> TelegramMethod[Any]:
        """The call as Telegram reads it, as aiogram's method of that name."""
        if type(method).__module__.startswith("aiogram."):
            return method
        wire = {k: v for k, v in method.model_dump(warnings=False).items() if v is not None}
        if "reply_markup" in wire:
            wire["reply_markup"] = json.loads(wire["reply_markup"])
        return STANDARD[method.__api_method__].model_validate(wire)

    def _result(self, name: str, sent: dict[str, Any], files: dict[str, Any]) -> Any:
        """Telegram's answer to a call, from the parameters as they were sent and the files
        uploaded with them (by the name their attach:// reference gives)."""
        if name in SEND or name in EDIT:
            return self._message(name, sent, files)
        if name == "getFile":
            file_id = sent["file_id"]
            return {
                "file_id": file_id,
                "file_unique_id": file_id,
                "file_path": f"documents/{file_id}",
            }
        if name == "getMe":
            return BOT
        return True

    def _message(self, name: str, sent: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
        """The message a send or edit call leaves in the chat; its inline keyboard is kept."""
        chat_id = int(sent["chat_id"] or 0)
        message_id = int(sent["message_id"] or 0) if name in EDIT else next(self._ids)
        markup = json.loads(sent.get("reply_markup") or "{}")
        if "inline_keyboard" in markup:
            data = tuple(
                b.get("callback_data", "") for row in markup["inline_keyboard"] for b in row
            )
            self.keyboards[chat_id] = Keyboard(message_id, data)
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT,
        }
        if name in ("sendMessage", "editMessageText"):
            message["text"] = sent["text"]
        elif name == "sendDocument":
            message["document"] = {
                "file_id": "sent",
                "file_unique_id": "sent",
                "file_name": "x.xlsx",
            }
        else:
            # A photo sent, its caption edited, or its media (a photo and caption) replaced.
            media = json.loads(sent["media"]) if name == "editMessageMedia" else sent
            photo = media["photo"] if name == "sendPhoto" else media.get("media", "edited")
            if photo.startswith("attach://"):  # an upload: Telegram gives it an id
                upload = files[photo.removeprefix("attach://")]
                photo = f"photo{next(self._photos)}"
                self.uploaded[photo] = upload.data
            message["photo"] = [
                {"file_id": photo, "file_unique_id": f"u{photo}", "width": 640, "height": 480}
            ]
            if media.get("caption") is not None:
                message["caption"] = media["caption"]
        return message

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

    def sent(self, call: TelegramMethod[Any]) -> dict[str, Any]:
        """The call's parameters as Telegram reads them (what the fake Telegram's spec checks):
        those sent, nested objects as JSON text, a file part where attach:// names it."""
        return self._sent[id(call)]

    def picture(self, call: SendPhoto | EditMessageMedia) -> bytes:
        """The picture a sendPhoto or editMessageMedia call shows: uploaded, or sent by the id
        Telegram gave it when it was uploaded."""
        photo = call.photo if isinstance(call, SendPhoto) else call.media.media
        if isinstance(photo, BufferedInputFile):
            return photo.data
        assert isinstance(photo, str), photo
        return self.uploaded[photo]

    def of(self, kind: type[TelegramMethod[Any]]) -> list[Any]:
        """The calls of one method, in order."""
        return [c for c in self.calls if isinstance(c, kind)]


def _as_read(sent: dict[str, Any], files: dict[str, Any]) -> dict[str, Any]:
    read: dict[str, Any] = {}
    for key, value in sent.items():
        if value is None:
            continue
        if isinstance(value, str) and value.removeprefix("attach://") in files:
            upload = files[value.removeprefix("attach://")]
            value = UploadedFile(upload.filename, upload.data)
        read[key] = value
    return read


def recording_bot(*, keep_calls: bool = True) -> tuple[Bot, RecordingSession]:
    """A Bot whose calls go to a RecordingSession."""
    session = RecordingSession(keep_calls=keep_calls)
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    return bot, session
