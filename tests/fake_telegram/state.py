"""What the fake Telegram keeps: its chats and their messages, the files it holds, the queued
updates, the webhook, and the helpers every group of methods uses to read and store them."""

from __future__ import annotations

import copy
import mimetypes
import secrets
import time
from abc import abstractmethod
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from tests.fake_telegram.formatting import visible_text
from tests.fake_telegram.limits import FloodControl, Limits
from tests.fake_telegram.models import (
    ApiRequest,
    CallbackAnswer,
    StoredFile,
    StoredMessage,
    UploadedFile,
    WebhookDelivery,
)
from tests.fake_telegram.params import int_or_none, json_param, opt_str, str_param
from tests.fake_telegram.spec import BotApiSpec
from tests.fake_telegram.users import FakeUser
from tests.support.fake_api import ApiError, FakeApiServer

Params = dict[str, Any]

STATUS_TEXT = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


@dataclass(eq=False)  # identity matters: a replay is equal to its original
class Pending:
    update: dict[str, Any]
    forced: bool = False  # a replay: delivered once whatever the bot's offset


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int | None
    ip_address: str | None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class Chat:
    info: dict[str, Any]
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_id: int = 1
    keyboard: dict[str, Any] | None = None  # the reply keyboard the user sees now


class TelegramState(FakeApiServer[StoredMessage, WebhookDelivery]):
    """The fake Telegram's state; the groups of methods (updates.py, sending.py, editing.py,
    menus.py, stars.py) read and change it, server.py answers the calls."""

    def __init__(
        self,
        token: str = "123:ABC",
        *,
        bot_username: str = "fake_quiz_bot",
        bot_name: str = "Quiz Bot",
        limits: Limits | None = None,
        clock: Callable[[], float] = time.time,
        spec: BotApiSpec | None = None,
        stars: float = 0.0,
    ) -> None:
        super().__init__()
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError(f"a bot token looks like '123456:secret', not {token!r}")
        self.token = token
        self.spec = spec or BotApiSpec.load()
        self.bot_user: dict[str, Any] = {
            "id": int(bot_id),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.flood = FloodControl(limits or Limits())
        self._clock = clock

        # What the bot did, for the test to read.
        self.requests: list[ApiRequest] = []
        self.violations: list[str] = []
        self.unhandled: list[str] = []  # valid methods the fake does not implement (answered true)
        self.callback_answers: dict[str, CallbackAnswer] = {}
        self.webhook_responses: list[WebhookDelivery] = []
        self.files: dict[str, StoredFile] = {}
        self.downloads: list[str] = []  # file paths the bot downloaded
        self.too_many = 0  # 429 answers given
        # The bot's Stars, in tenths (a paid broadcast's message costs one).
        self.star_tenths = round(stars * 10)
        self.paid_messages = 0  # delivered with allow_paid_broadcast, charged or not
        self._charged_tenths = 0

        self.updates: dict[int, dict[str, Any]] = {}  # every update ever queued, by id
        self._pending: list[Pending] = []
        self._next_update_id = 1
        self._allowed_updates: list[str] | None = None  # getUpdates' setting persists
        self._poll_generation = 0
        self._webhook: Webhook | None = None
        self._chats: dict[int, Chat] = {}
        self._users: dict[int, FakeUser] = {}
        self._queries: set[str] = set()
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._blocked: set[int] = set()
        self._failures: dict[str, deque[ApiError]] = {}
        self._download_failures: deque[int] = deque()
        self._redirect_loop = False
        self._counter = 0

    @abstractmethod
    async def _run_webhook_reply(self, reply: Params) -> None:
        """Execute the method the bot put in its answer to a webhook POST, as Telegram does."""

    def _now(self) -> int:
        return int(self._clock())

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def _enqueue(self, update: dict[str, Any]) -> dict[str, Any]:
        update_id = update.get("update_id")
        if not isinstance(update_id, int):
            update_id = self._next_update_id
            update = {"update_id": update_id, **update}
        self._next_update_id = max(self._next_update_id, update_id + 1)
        self.updates[update_id] = copy.deepcopy(update)
        self._pending.append(Pending(update))
        self._touch()
        return update

    def _add_message(
        self, chat: Chat, *, sender: dict[str, Any], from_bot: bool, **fields: Any
    ) -> StoredMessage:
        message = StoredMessage(
            chat_id=chat.info["id"],
            message_id=chat.next_id,
            date=self._now(),
            chat=chat.info,
            sender=sender,
            from_bot=from_bot,
            **fields,
        )
        chat.messages[message.message_id] = message
        chat.next_id += 1
        self._touch()
        return message

    def _store_file(self, data: bytes, filename: str | None, mime_type: str | None) -> StoredFile:
        n = self._next()
        suffix = PurePosixPath(filename).suffix if filename else ""
        stored = StoredFile(
            file_id=f"BQACAgIAAxkBAA{n:06d}{secrets.token_urlsafe(12)}",
            file_unique_id=f"AgAD{n:06d}",
            file_path=f"documents/file_{n}{suffix}",
            filename=filename,
            data=data,
            mime_type=mime_type or (mimetypes.guess_type(filename)[0] if filename else None),
        )
        self.files[stored.file_id] = stored
        return stored

    def _chat_of(self, params: Params) -> Chat:
        chat = self._chats.get(int_or_none(params.get("chat_id")) or 0)
        if chat is None:
            # Bots reach a private chat only once the user has started it.
            raise ApiError(400, "Bad Request: chat not found")
        return chat

    def _bot_message(self, params: Params, *, missing: str) -> StoredMessage:
        if params.get("inline_message_id") is not None:
            raise ApiError(400, "Bad Request: MESSAGE_ID_INVALID")
        chat = self._chat_of(params)
        message = chat.messages.get(int_or_none(params.get("message_id")) or 0)
        if message is None or message.deleted:
            raise ApiError(400, f"Bad Request: {missing}")
        return message

    def _formatted(
        self, params: Params, key: str, entities_key: str
    ) -> tuple[str, list[dict[str, Any]], str]:
        """(visible text, entities, source) of a text or caption parameter."""
        source = str_param(params[key])
        given = params.get(entities_key)
        if given is not None:
            return source, list(json_param(given)), source
        parsed = visible_text(source, opt_str(params.get("parse_mode")))
        return parsed.text, parsed.entities, source

    def _reply_target(self, chat: Chat, params: Params) -> StoredMessage | None:
        reply = params.get("reply_parameters")
        if reply is None:
            return None
        options = json_param(reply)
        target = chat.messages.get(int(options.get("message_id", 0)))
        if target is None or target.deleted:
            if options.get("allow_sending_without_reply"):
                return None
            raise ApiError(400, "Bad Request: message to be replied not found")
        return target

    def _caption(self, params: Params) -> tuple[str | None, list[dict[str, Any]], str | None]:
        """(visible caption, entities, source) of a media call; None when it has none."""
        if params.get("caption") is None:
            return None, [], None
        return self._formatted(params, "caption", "caption_entities")

    def _photo(self, photo: Any) -> StoredFile:
        """The picture a photo parameter names: a file part (a PNG or JPEG), an id of a file
        Telegram holds, or a URL (no network here)."""
        if isinstance(photo, UploadedFile):
            if not photo.data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
                raise ApiError(400, "Bad Request: IMAGE_PROCESS_FAILED")
            return self._store_file(photo.data, photo.filename, "image/jpeg")
        if photo in self.files:
            return self.files[photo]
        if str(photo).startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")
        raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")


def track_keyboard(chat: Chat, markup: Any) -> None:
    """Remember the reply keyboard a message shows the user, or its removal."""
    if isinstance(markup, dict):
        if "keyboard" in markup:
            chat.keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.keyboard = None
