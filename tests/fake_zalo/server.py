"""A local fake of the Zalo Bot Platform API: an aiohttp server with simulated users.

It follows the published method reference (base `/bot<TOKEN>/<method>`, POST with a JSON
body, answers `{"ok": true, "result": …}` or `{"ok": false, "error_code", "description"}`):

- getUpdates long-polls for `timeout` seconds (a string in the docs; numbers are accepted)
  and returns ONE update, `{"event_name", "message"}`, with no offset to confirm: an update
  handed out is gone. With nothing to hand out it answers HTTP 200 with
  `{"ok": false, "error_code": 408, "description": "Request timeout"}`, as the real server is
  seen to do. With a webhook set it fails: polling and webhook exclude each other.
- setWebhook needs an HTTPS `url` (plain http is allowed to loopback addresses, for tests)
  and a `secret_token` of 8-256 characters, sent back in `X-Bot-Api-Secret-Token`; queued
  updates are then POSTed in order, as documented (`{"ok": true, "result": <update>}`) and as
  real deliveries are seen to arrive too (the update alone): `webhook_forms` says which, in
  turn (both, alternating, unless a test picks one).
- sendMessage's text, and sendPhoto's caption, are 1-2000 characters; a longer or empty one
  is a violation and an error answer.
- Besides text, users send images (`photo_url`, and a `caption` if they wrote one), stickers
  (`sticker`, `url`) and `message.unsupported.received`, which may come with a sender and no
  content, or with no `message` at all (`push_unsupported_without_message`), as other
  clients of the platform have recorded.

Where the docs are silent the fake chooses, and tests should not lean on the exact values:
error codes and descriptions other than 408 (400 bad parameters, 401 bad token, 403 a user
who blocked the bot, 404 unknown method, 409 getUpdates with a webhook set), answered with
that HTTP status.
"""

from __future__ import annotations

import json
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tests.fake_telegram.limits import FloodControl, Limits, TooManyRequestsError
from tests.fake_zalo.models import ApiCall, SentMessage
from tests.fake_zalo.updates import FLAT, WRAPPED, Params, ZaloUpdates
from tests.fake_zalo.users import FakeZaloUser
from tests.support.fake_api import ApiError

MAX_TEXT = 2000
CHAT_ACTIONS = {"typing", "upload_photo"}

# Each method's parameters: name -> required.
METHODS: dict[str, dict[str, bool]] = {
    "getMe": {},
    "getUpdates": {"timeout": False},
    "setWebhook": {"url": True, "secret_token": True},
    "deleteWebhook": {},
    "getWebhookInfo": {},
    "sendMessage": {"chat_id": True, "text": True},
    "sendPhoto": {"chat_id": True, "photo": True, "caption": False},
    "sendSticker": {"chat_id": True, "sticker": True},
    "sendChatAction": {"chat_id": True, "action": True},
}


class FakeZalo(ZaloUpdates):
    """A fake Zalo Bot API on 127.0.0.1 (random port), with simulated users.

    async with FakeZalo() as zl:
        an = zl.user("a1b2", "Nguyễn Văn An")
        an.send_text("thi")                    # queued for getUpdates (or the webhook)
        await zl.wait_for_text("a1b2", "Câu 1/10")
        zl.assert_no_violations()
    """

    def __init__(
        self,
        token: str = "3141592653589793238:FakeZaloBotToken",
        *,
        account_name: str = "bot.CuocThiCDS",
        clock: Callable[[], float] = time.time,
        webhook_forms: tuple[str, ...] = (WRAPPED, FLAT),
        limits: Limits | None = None,
    ) -> None:
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("a Zalo bot token looks like '<bot id>:<secret>'")
        super().__init__(clock=clock, webhook_forms=webhook_forms)
        self.token = token
        self.bot_id = bot_id
        self.account_name = account_name
        # Zalo publishes no sending limits: none unless a test sets some. Past one, sendMessage
        # and sendPhoto are answered 429 (the client honours `parameters.retry_after`).
        self.flood = FloodControl(limits or Limits.off())
        self.too_many = 0

        self.calls_made: list[ApiCall] = []
        self.messages: list[SentMessage] = []

        self._users: dict[str, FakeZaloUser] = {}
        self._blocked: set[str] = set()
        self._failures: dict[str, deque[ApiError]] = {}
        self._seq = 0

        self._handlers: dict[str, Callable[[Params], Awaitable[Any]]] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendSticker": self._send_sticker,
            "sendChatAction": self._send_chat_action,
        }

    platform = "Zalo"

    def _application(self) -> web.Application:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._on_api)
        return app

    # ------------------------------------------------------------------ simulated users

    def user(self, user_id: str | int, display_name: str | None = None) -> FakeZaloUser:
        """A Zalo user in a private chat with the bot (the same one for the same id)."""
        uid = str(user_id)
        if uid not in self._users:
            self._users[uid] = FakeZaloUser(self, uid, display_name or f"Người dùng {uid}")
        return self._users[uid]

    def block(self, user_id: str | int) -> None:
        """The user blocks the bot: sending to them fails with 403."""
        self._blocked.add(str(user_id))

    def unblock(self, user_id: str | int) -> None:
        """The user unblocks the bot."""
        self._blocked.discard(str(user_id))

    def fail_next(self, method: str, code: int = 500, description: str | None = None) -> None:
        """Make the next call of `method` fail with this code (each call queues one failure)."""
        text = description or {429: "Too Many Requests", 500: "Internal Server Error"}.get(
            code, "Error"
        )
        self._failures.setdefault(method, deque()).append(ApiError(code, text))

    # ------------------------------------------------------------------ reading what the bot did

    def sent_to(self, chat_id: str | int) -> list[SentMessage]:
        """The bot's messages in a chat, in order."""
        return [m for m in self.messages if m.chat_id == str(chat_id)]

    def texts(self, chat_id: str | int) -> list[str]:
        """The texts (and captions) the bot sent to a chat, in order."""
        return [m.shown for m in self.sent_to(chat_id)]

    def last_seq(self) -> int:
        """The sequence number of the latest bot message (for wait_for_text(after=...))."""
        return self._seq

    def calls(self, method: str) -> list[ApiCall]:
        """The calls of one method, in order."""
        return [c for c in self.calls_made if c.method == method]

    def _number(self, message: SentMessage) -> int:
        return message.seq

    def _calls(self) -> list[ApiCall]:
        return self.calls_made

    # ------------------------------------------------------------------ HTTP side

    async def _on_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return _error(ApiError(401, "Unauthorized"))
        params: Params = dict(request.query)
        call = ApiCall(method, params)
        self.calls_made.append(call)
        try:
            if request.method != "POST":
                raise self._violation(method, f"{request.method} instead of POST", 405)
            if request.body_exists:
                if request.content_type != "application/json":
                    raise self._violation(method, f"content type {request.content_type!r}")
                try:
                    body = json.loads(await request.text())
                except ValueError:
                    body = None
                if not isinstance(body, dict):
                    raise self._violation(method, "the body is not a JSON object")
                params.update(body)
            result = await self._answer(method, params)
        except ApiError as exc:
            call.status, call.error_code = exc.http_status, exc.code
            call.description = exc.description
            self._touch()
            return _error(exc)
        call.status = 200
        self._touch()
        answer: dict[str, Any] = {"ok": True}
        if result is not None:
            answer["result"] = result
        return web.json_response(answer)

    async def _answer(self, method: str, params: Params) -> Any:
        spec = METHODS.get(method)
        if spec is None:
            raise self._violation(method, "no such method", 404)
        for name, required in spec.items():
            if required and name not in params:
                raise self._violation(method, f"missing required parameter {name!r}")
        unknown = sorted(set(params) - set(spec))
        if unknown:
            raise self._violation(method, f"undocumented parameters {unknown}")
        failures = self._failures.get(method)
        if failures:
            raise failures.popleft()
        if method != "sendChatAction":
            try:
                self.flood.check(method, params.get("chat_id"))
            except TooManyRequestsError as exc:
                self.too_many += 1
                raise ApiError(429, "Too Many Requests", retry_after=exc.retry_after) from None
        return await self._handlers[method](params)

    # ------------------------------------------------------------------ methods

    async def _get_me(self, params: Params) -> Any:
        return {
            "id": self.bot_id,
            "account_name": self.account_name,
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    async def _send_message(self, params: Params) -> Any:
        chat = self._chat("sendMessage", params["chat_id"])
        text = self._text("sendMessage", "text", params["text"])
        return self._store(chat, "text", text=text)

    async def _send_photo(self, params: Params) -> Any:
        chat = self._chat("sendPhoto", params["chat_id"])
        photo = params["photo"]
        if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
            raise self._violation("sendPhoto", "photo must be an image URL")
        caption = params.get("caption")
        text = self._text("sendPhoto", "caption", caption) if caption is not None else ""
        return self._store(chat, "photo", text=text, photo=photo)

    async def _send_sticker(self, params: Params) -> Any:
        chat = self._chat("sendSticker", params["chat_id"])
        sticker = params["sticker"]
        if not isinstance(sticker, str) or not sticker:
            raise self._violation("sendSticker", "sticker must be a sticker id")
        return self._store(chat, "sticker", sticker=sticker)

    async def _send_chat_action(self, params: Params) -> Any:
        self._chat("sendChatAction", params["chat_id"])
        if params["action"] not in CHAT_ACTIONS:
            raise self._violation("sendChatAction", f"unknown action {params['action']!r}")
        return None  # the docs answer {"ok": true} with no result

    def _chat(self, method: str, chat_id: Any) -> str:
        if not isinstance(chat_id, str) or not chat_id:
            raise self._violation(method, f"chat_id {chat_id!r} is not a string id")
        if chat_id not in self._users:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: the user has blocked the bot")
        return chat_id

    def _text(self, method: str, name: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self._violation(method, f"{name} is not a string")
        if not 1 <= len(value) <= MAX_TEXT:
            raise self._violation(method, f"{name} has {len(value)} characters (1-{MAX_TEXT})")
        return value

    def _store(self, chat_id: str, kind: str, **fields: Any) -> dict[str, Any]:
        self._seq += 1
        message = SentMessage(
            seq=self._seq,
            chat_id=chat_id,
            message_id=secrets.token_hex(10),
            date=self._now_ms(),
            kind=kind,
            **fields,
        )
        self.messages.append(message)
        return {"message_id": message.message_id, "date": message.date}


def _error(exc: ApiError) -> web.Response:
    return web.json_response(exc.body(), status=exc.http_status)
