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

import asyncio
import copy
import ipaddress
import json
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientTimeout, web

from tests.fake_telegram.limits import FloodControl, Limits, TooManyRequestsError
from tests.fake_zalo.models import ApiCall, SentMessage, WebhookDelivery
from tests.support.fake_api import ApiError, FakeApiServer

T = TypeVar("T")
Params = dict[str, Any]

SECRET_HEADER = "X-Bot-Api-Secret-Token"
MAX_TEXT = 2000
DEFAULT_POLL_TIMEOUT = 30.0
EVENT_TEXT = "message.text.received"
EVENT_IMAGE = "message.image.received"
EVENT_STICKER = "message.sticker.received"
EVENT_UNSUPPORTED = "message.unsupported.received"
CHAT_ACTIONS = {"typing", "upload_photo"}
WRAPPED, FLAT = "wrapped", "flat"  # the two forms of a webhook body

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


@dataclass
class _Webhook:
    url: str
    secret_token: str
    updated_at: int


class FakeZalo(FakeApiServer[SentMessage, WebhookDelivery]):
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
        super().__init__()
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("a Zalo bot token looks like '<bot id>:<secret>'")
        self.token = token
        self.bot_id = bot_id
        self.account_name = account_name
        self._clock = clock
        if not webhook_forms or set(webhook_forms) - {WRAPPED, FLAT}:
            raise ValueError(f"webhook_forms are {WRAPPED!r} and {FLAT!r}, in some order")
        self.webhook_forms = webhook_forms
        # Zalo publishes no sending limits: none unless a test sets some. Past one, sendMessage
        # and sendPhoto are answered 429 (the client honours `parameters.retry_after`).
        self.flood = FloodControl(limits or Limits.off())
        self.too_many = 0

        self.calls_made: list[ApiCall] = []
        self.violations: list[str] = []
        self.webhook_responses: list[WebhookDelivery] = []
        self.messages: list[SentMessage] = []

        self._pending: list[dict[str, Any]] = []
        self._handed_out: dict[str, dict[str, Any]] = {}  # message_id -> update, for replay
        self._webhook: _Webhook | None = None
        self._users: dict[str, FakeZaloUser] = {}
        self._blocked: set[str] = set()
        self._failures: dict[str, deque[ApiError]] = {}
        self._seq = 0
        self._posting = False  # an update is on its way to the webhook

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

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a hand-made update as it is; returns it."""
        update = copy.deepcopy(update)
        self._pending.append(update)
        self._touch()
        return update

    def push_unsupported_without_message(self) -> dict[str, Any]:
        """Queue `message.unsupported.received` with no `message`: no sender, no content."""
        return self.push({"event_name": EVENT_UNSUPPORTED})

    def replay(self, message_id: str) -> dict[str, Any]:
        """Deliver an update that was already handed out once more (a redelivery)."""
        update = copy.deepcopy(self._handed_out[message_id])
        self._pending.append(update)
        self._touch()
        return update

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

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet handed out (polling) or delivered (webhook)."""
        return list(self._pending)

    def _number(self, message: SentMessage) -> int:
        return message.seq

    def _delivered(self) -> bool:
        return not self._pending and not self._posting

    def _calls(self) -> list[ApiCall]:
        return self.calls_made

    # ------------------------------------------------------------------ webhook

    async def post_to_webhook(
        self, payload: dict[str, Any], secret: str | None = None, *, url: str | None = None
    ) -> WebhookDelivery:
        """POST a body to the webhook (or `url`) with this secret header (none if None).

        For negative tests: the answer is returned, not kept in webhook_responses.
        """
        target = url or self.webhook_url
        if target is None:
            raise RuntimeError("no webhook is set and no url given")
        return await self._post(target, payload, secret)

    async def _deliver_loop(self) -> None:
        backoff = 0.02
        while not self._closing:
            hook = self._webhook
            if hook is None or not self._pending:
                await self._wait_change(None)
                continue
            update = self._pending[0]
            form = self.webhook_forms[len(self.webhook_responses) % len(self.webhook_forms)]
            body = {"ok": True, "result": update} if form == WRAPPED else update
            self._posting = True
            try:
                delivery = await self._post(hook.url, body, hook.secret_token)
            except (ClientError, OSError, TimeoutError):
                # Not listening yet (setWebhook comes first) or gone: keep it and try again.
                self._posting = False
                await self._wait_change(backoff)
                backoff = min(backoff * 2, 0.2)
                continue
            backoff = 0.02
            if self._pending and self._pending[0] is update:
                self._pending.pop(0)
            self._remember(update)
            self.webhook_responses.append(delivery)
            self._posting = False
            self._touch()

    async def _post(self, url: str, payload: dict[str, Any], secret: str | None) -> WebhookDelivery:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        body = json.dumps(payload, ensure_ascii=False).encode()
        async with self.client.post(
            url, data=body, headers=headers, timeout=ClientTimeout(total=30)
        ) as resp:
            update = payload.get("result") if "event_name" not in payload else payload
            message = (update if isinstance(update, dict) else {}).get("message") or {}
            return WebhookDelivery(
                message.get("message_id"), resp.status, await resp.text(), secret
            )

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

    def _violation(self, method: str, problem: str, code: int = 400) -> ApiError:
        self.violations.append(f"{method}: {problem}")
        return ApiError(code, f"Bad Request: {problem}" if code == 400 else problem)

    # ------------------------------------------------------------------ methods

    async def _get_me(self, params: Params) -> Any:
        return {
            "id": self.bot_id,
            "account_name": self.account_name,
            "account_type": "BASIC",
            "can_join_groups": False,
        }

    async def _get_updates(self, params: Params) -> Any:
        timeout = self._poll_timeout(params.get("timeout"))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self._webhook is not None:
                raise ApiError(409, "Conflict: webhook is set; use deleteWebhook before getUpdates")
            if self._pending:
                update = self._pending.pop(0)
                self._remember(update)
                return update
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                raise ApiError(408, "Request timeout", http_status=200)
            await self._wait_change(remaining)

    def _poll_timeout(self, value: Any) -> float:
        if value is None:
            return DEFAULT_POLL_TIMEOUT
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            raise self._violation("getUpdates", f"timeout {value!r} is not a number") from None
        if seconds < 0:
            raise self._violation("getUpdates", f"timeout {value!r} is negative")
        return seconds

    async def _set_webhook(self, params: Params) -> Any:
        url, secret = params["url"], params["secret_token"]
        if not isinstance(url, str) or not _webhook_url_ok(url):
            raise self._violation("setWebhook", f"url {url!r} is not an HTTPS URL")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            raise self._violation("setWebhook", "secret_token must be 8-256 characters")
        self._webhook = _Webhook(url, secret, self._now_ms())
        return {"url": url, "updated_at": self._webhook.updated_at}

    async def _delete_webhook(self, params: Params) -> Any:
        self._webhook = None
        return {"url": "", "updated_at": self._now_ms()}

    async def _get_webhook_info(self, params: Params) -> Any:
        hook = self._webhook
        return {"url": hook.url if hook else "", "updated_at": hook.updated_at if hook else 0}

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

    # ------------------------------------------------------------------ helpers

    def _remember(self, update: dict[str, Any]) -> None:
        message_id = (update.get("message") or {}).get("message_id")
        if isinstance(message_id, str):
            self._handed_out[message_id] = copy.deepcopy(update)

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)


class FakeZaloUser:
    """A person writing to the bot in a private chat (chat id = user id)."""

    def __init__(self, zl: FakeZalo, user_id: str, display_name: str) -> None:
        self.zl = zl
        self.id = user_id
        self.display_name = display_name

    def send_text(self, text: str) -> dict[str, Any]:
        """Type a message."""
        return self._send(EVENT_TEXT, text=text)

    def send_image(self, caption: str | None = None) -> dict[str, Any]:
        """Send a photo (with a caption, if given)."""
        extra: dict[str, Any] = {"photo_url": f"https://photo.example/{secrets.token_hex(4)}.jpg"}
        if caption is not None:
            extra["caption"] = caption
        return self._send(EVENT_IMAGE, **extra)

    def send_sticker(self) -> dict[str, Any]:
        """Send a sticker."""
        sticker = secrets.token_hex(10)
        return self._send(EVENT_STICKER, sticker=sticker, url=f"https://sticker.example/{sticker}")

    def send_unsupported(self) -> dict[str, Any]:
        """Something Zalo does not pass on (a protected user's message): no content at all."""
        return self._send(EVENT_UNSUPPORTED)

    def update(self, event_name: str, **content: Any) -> dict[str, Any]:
        """An update from this user, not queued (for tests that POST it themselves)."""
        message: dict[str, Any] = {
            "from": {"id": self.id, "display_name": self.display_name, "is_bot": False},
            "chat": {"id": self.id, "chat_type": "PRIVATE"},
            "message_id": secrets.token_hex(10),
            "date": self.zl._now_ms(),
            **content,
        }
        return {"event_name": event_name, "message": message}

    def _send(self, event_name: str, **content: Any) -> dict[str, Any]:
        return self.zl.push(self.update(event_name, **content))


def _webhook_url_ok(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return True
    if parts.scheme != "http" or not parts.hostname:
        return False
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname).is_loopback
    except ValueError:
        return False


def _error(exc: ApiError) -> web.Response:
    return web.json_response(exc.body(), status=exc.http_status)
