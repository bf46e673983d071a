"""A local fake of the Telegram Bot API: an aiohttp server that checks every call against the spec.

The bot under test talks to it over HTTP exactly as it would to api.telegram.org; the test
plays the users (`tg.user(...)`) and reads what the bot did (`tg.sent_to(...)`, `tg.requests`).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import mimetypes
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, TypeVar

from aiohttp import BodyPartReader, ClientError, ClientTimeout, MultipartReader, web
from aiohttp.client import ClientResponse

from tests.fake_telegram.limits import (
    BalanceTooLowError,
    FloodControl,
    Limits,
    TooManyRequestsError,
)
from tests.fake_telegram.models import (
    ApiRequest,
    CallbackAnswer,
    StoredFile,
    StoredMessage,
    UploadedFile,
    WebhookDelivery,
)
from tests.fake_telegram.params import (
    bool_param,
    inline_markup,
    int_or_none,
    json_param,
    menu_key,
    nonempty_markup,
    opt_str,
    scope_key,
    str_param,
)
from tests.fake_telegram.spec import BotApiSpec, visible_text
from tests.fake_telegram.users import FakeUser
from tests.support.fake_api import ApiError, FakeApiServer

T = TypeVar("T")
Params = dict[str, Any]
Handler = Callable[[Params], Awaitable[Any]]

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_UPLOAD = 50 * 1024 * 1024  # what a bot may upload
MAX_DOWNLOAD = 20 * 1024 * 1024  # what getFile lets a bot download
# Update types sent when allowed_updates is not given or empty.
NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}
ATTACH_RE = re.compile(r"attach://([A-Za-z0-9_-]+)")

QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
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
class _Pending:
    update: dict[str, Any]
    forced: bool = False  # a replay: delivered once whatever the bot's offset


@dataclass
class _Webhook:
    url: str
    secret_token: str | None
    allowed_updates: list[str] | None
    max_connections: int | None
    ip_address: str | None
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class _Chat:
    info: dict[str, Any]
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    next_id: int = 1
    keyboard: dict[str, Any] | None = None  # the reply keyboard the user sees now


class FakeTelegram(FakeApiServer[StoredMessage, WebhookDelivery]):
    """A fake Bot API server on 127.0.0.1 (random port), with simulated users.

    Behaviour worth knowing:
    - every call is checked against the spec; a violation is kept in `violations` and answered
      400 (404 for an unknown method), as Telegram would;
    - the bot can only write to chats the test created (`user()`, or `push_update()` naming a
      chat); other chat ids get 400 "chat not found";
    - with a webhook set, queued updates are POSTed automatically in order (`deliver()` waits
      for that); an HTTP error answer is recorded, not retried; a refused connection is retried;
    - Telegram's flood limits are enforced (`limits`, see limits.py: 30 messages in any second
      per bot, one a second per chat with a burst of 3, 20 a minute per group); past one the
      call is answered 429 with `parameters.retry_after`. `Limits.off()` switches them off;
    - a message with `allow_paid_broadcast` goes past the 30 a second (up to 1000), paid from
      the bot's `stars` (0.1 each past the free 30 in its second, only when delivered;
      `stars_spent`, `paid_messages`), refused 400 BALANCE_TOO_LOW when the balance is short;
      getMyStarBalance reads the balance.
    """

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
        self._pending: list[_Pending] = []
        self._next_update_id = 1
        self._allowed_updates: list[str] | None = None  # getUpdates' setting persists
        self._poll_generation = 0
        self._webhook: _Webhook | None = None
        self._chats: dict[int, _Chat] = {}
        self._users: dict[int, FakeUser] = {}
        self._queries: set[str] = set()
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._blocked: set[int] = set()
        self._failures: dict[str, deque[ApiError]] = {}
        self._download_failures: deque[int] = deque()
        self._redirect_loop = False
        self._counter = 0

        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "sendDocument": self._send_document,
            "sendPhoto": self._send_photo,
            "editMessageCaption": self._edit_message_caption,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
            "getChat": self._get_chat,
            "getMyStarBalance": self._get_my_star_balance,
        }

    platform = "Telegram"

    def _application(self) -> web.Application:
        app = web.Application(client_max_size=MAX_UPLOAD + 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._on_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._on_file)
        return app

    # ------------------------------------------------------------------ simulated users

    def user(
        self,
        user_id: int,
        first_name: str | None = None,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> FakeUser:
        """A Telegram user with a private chat with the bot (the same one for the same id)."""
        if user_id not in self._users:
            user = FakeUser(
                self, user_id, first_name or f"User{user_id}", last_name, username, language_code
            )
            self._users[user_id] = user
            self._chats.setdefault(user_id, _Chat(user.chat_info()))
        return self._users[user_id]

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a hand-made update (update_id is assigned unless given); returns it."""
        update = copy.deepcopy(update)
        for key in ("message", "edited_message", "callback_query"):
            body = update.get(key)
            if not isinstance(body, dict):
                continue
            # Let the bot answer in the chat and the query this update mentions.
            chat = body.get("chat") or (body.get("message") or {}).get("chat")
            if isinstance(chat, dict) and isinstance(chat.get("id"), int):
                self._chats.setdefault(chat["id"], _Chat(chat))
            if key == "callback_query" and "id" in body:
                self._queries.add(str(body["id"]))
        return self._enqueue(update)

    def replay(self, update_id: int) -> dict[str, Any]:
        """Deliver an already queued update once more, as Telegram sometimes does."""
        update = copy.deepcopy(self.updates[update_id])
        self._pending.append(_Pending(update, forced=True))
        self._touch()
        return update

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sending to their chat fails with 403."""
        self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot."""
        self._blocked.discard(user_id)

    def fail_next(
        self,
        method: str,
        status: int = 500,
        description: str | None = None,
        *,
        retry_after: int | None = None,
    ) -> None:
        """Make the next call of `method` fail (calls queue up: two calls fail the next two)."""
        if status == 429 and retry_after is None:
            retry_after = 1  # Telegram always says how long to wait
        if description is None:
            description = STATUS_TEXT.get(status, "Error")
            if retry_after is not None:
                description += f": retry after {retry_after}"
        failure = ApiError(status, description, retry_after=retry_after)
        self._failures.setdefault(method.lower(), deque()).append(failure)

    def fail_next_download(self, status: int = 500) -> None:
        """Make the file server answer the next download with an HTTP error (they queue up)."""
        self._download_failures.append(status)

    def redirect_in_a_loop(self, on: bool = True) -> None:
        """Answer every API call with a redirect to itself, as a misconfigured proxy in front of
        a self-hosted Bot API server might (the client gives up after its redirect limit)."""
        self._redirect_loop = on

    # ------------------------------------------------------------------ reading what the bot did

    def chat(self, chat_id: int) -> list[StoredMessage]:
        """The chat's transcript: user's and bot's messages in order (deleted ones flagged)."""
        chat = self._chats.get(chat_id)
        return list(chat.messages.values()) if chat else []

    def sent_to(self, chat_id: int) -> list[StoredMessage]:
        """The bot's messages in a chat, in order, as they stand now (deleted ones flagged)."""
        return [m for m in self.chat(chat_id) if m.from_bot]

    def message(self, chat_id: int, message_id: int) -> StoredMessage:
        """One message of a chat (KeyError if there is none)."""
        return self._chats[chat_id].messages[message_id]

    def calls(self, method: str) -> list[ApiRequest]:
        """The calls of one method (any spelling), in order."""
        return [r for r in self.requests if r.method.lower() == method.lower()]

    def reply_keyboard(self, chat_id: int) -> list[list[str]]:
        """The labels of the reply keyboard the user sees now (empty if none)."""
        chat = self._chats.get(chat_id)
        rows = (chat.keyboard or {}).get("keyboard") or [] if chat else []
        return [[b if isinstance(b, str) else b.get("text", "") for b in row] for row in rows]

    def commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[tuple[str, str]]:
        """The command menu set with setMyCommands for a scope (default) and language."""
        stored = self._commands.get((scope_key(scope), language_code), [])
        return [(c["command"], c["description"]) for c in stored]

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (polling) or not yet delivered (webhook)."""
        return [p.update for p in self._pending]

    def _number(self, message: StoredMessage) -> int:
        return message.message_id

    def _delivered(self) -> bool:
        return not self._webhook_queue()

    def _calls(self) -> list[ApiRequest]:
        return self.requests

    def _report_more(self) -> list[str]:
        if self._webhook and self._webhook.last_error_message:
            return [f"webhook error: {self._webhook.last_error_message}"]
        return []

    # ------------------------------------------------------------------ webhook

    async def post_to_webhook(
        self, update: dict[str, Any], secret: str | None = None, *, url: str | None = None
    ) -> WebhookDelivery:
        """POST one update to the webhook (or `url`) with this secret header (none if None).

        For negative tests: the answer is returned, not kept in webhook_responses, and a
        method in the answer is not executed.
        """
        target = url or self.webhook_url
        if target is None:
            raise RuntimeError("no webhook is set and no url given")
        delivery, _ = await self._post(target, update, secret, read_reply=False)
        return delivery

    def _webhook_queue(self) -> list[_Pending]:
        hook = self._webhook
        allowed = _allowed(hook.allowed_updates if hook else None)
        return [p for p in self._pending if _update_type(p.update) in allowed]

    async def _deliver_loop(self) -> None:
        backoff = 0.02
        while not self._closing:
            hook = self._webhook
            if hook is not None:
                # Telegram never queues updates of types the bot did not ask for.
                self._pending = self._webhook_queue()
            if hook is None or not self._pending:
                await self._wait_change(None)
                continue
            entry = self._pending[0]
            try:
                delivery, reply = await self._post(
                    hook.url, entry.update, hook.secret_token, read_reply=True
                )
            except (ClientError, OSError, TimeoutError) as exc:
                # Not listening yet (setWebhook comes before the bot's server starts), or gone:
                # Telegram keeps the update and tries again.
                hook.last_error_date = int(self._clock())
                hook.last_error_message = f"{type(exc).__name__}: {exc}"
                await self._wait_change(backoff)
                backoff = min(backoff * 2, 0.2)
                continue
            backoff = 0.02
            if reply is not None:
                # Telegram executes a method the bot puts in its webhook answer.
                method = str(reply.pop("method", ""))
                attached = self._resolve_attachments(reply)
                await self._call(
                    method, reply, http_method="WEBHOOK-REPLY", content_type="", attached=attached
                )
            if not 200 <= delivery.status < 300:
                hook.last_error_date = int(self._clock())
                hook.last_error_message = f"Wrong response from the webhook: {delivery.status}"
            # No retry of an HTTP error: the test sees it in webhook_responses instead.
            self._pending = [p for p in self._pending if p is not entry]
            self.webhook_responses.append(delivery)
            self._touch()

    async def _post(
        self, url: str, update: dict[str, Any], secret: str | None, *, read_reply: bool
    ) -> tuple[WebhookDelivery, Params | None]:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        async with self.client.post(
            url, data=json.dumps(update), headers=headers, timeout=ClientTimeout(total=30)
        ) as resp:
            reply: Params | None = None
            if read_reply and resp.content_type == "multipart/form-data":
                reply = await _read_multipart(resp)
                body = "<multipart/form-data>"
            else:
                body = await resp.text()
                if read_reply and resp.status == 200:
                    with contextlib.suppress(ValueError):
                        parsed = json.loads(body)
                        if isinstance(parsed, dict) and "method" in parsed:
                            reply = parsed
            delivery = WebhookDelivery(update.get("update_id"), resp.status, body, secret)
            return delivery, reply

    # ------------------------------------------------------------------ HTTP side

    async def _on_api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        if self._redirect_loop:
            # 307 keeps the method and body, so the client follows it with the same request.
            raise web.HTTPTemporaryRedirect(location=str(request.rel_url))
        try:
            params, problems, attached = await self._read_params(request)
        except web.HTTPRequestEntityTooLarge:
            return web.json_response(ApiError(413, "Request Entity Too Large").body(), status=413)
        status, body = await self._call(
            request.match_info["method"],
            params,
            http_method=request.method,
            content_type=request.content_type if request.body_exists else "",
            problems=problems,
            attached=attached,
        )
        return web.json_response(body, status=status)

    async def _on_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        path = request.match_info["path"]
        stored = next((f for f in self.files.values() if f.file_path == path), None)
        if stored is None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        if self._download_failures:
            status = self._download_failures.popleft()
            self._touch()
            return web.Response(status=status, text=STATUS_TEXT.get(status, "Error"))
        self.downloads.append(path)
        self._touch()
        return web.Response(body=stored.data, content_type="application/octet-stream")

    async def _read_params(
        self, request: web.Request
    ) -> tuple[Params, list[str], dict[str, UploadedFile]]:
        """Query string and body (JSON, urlencoded or multipart) merged, files as UploadedFile."""
        params: Params = dict(request.query)
        problems: list[str] = []
        if request.body_exists:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    body = json.loads(await request.text())
                except ValueError:
                    body = None
                if isinstance(body, dict):
                    params.update(body)
                else:
                    problems.append("the body is not a JSON object")
            elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        params[key] = UploadedFile(
                            value.filename, value.file.read(), value.content_type
                        )
                    elif isinstance(value, bytes | bytearray):
                        params[key] = UploadedFile(None, bytes(value), None)
                    else:
                        params[key] = value
            else:
                problems.append(f"unsupported content type {ctype!r}")
        attached = self._resolve_attachments(params)
        return params, problems, attached

    @staticmethod
    def _resolve_attachments(params: Params) -> dict[str, UploadedFile]:
        """Put file parts where 'attach://<name>' names them, and drop the parts' own keys.
        The parts named inside JSON (an InputMedia's media) are returned by name."""
        parts = {k for k, v in params.items() if isinstance(v, UploadedFile)}
        used: set[str] = set()
        nested: dict[str, UploadedFile] = {}
        for key, value in list(params.items()):
            if not isinstance(value, str):
                continue
            if value.startswith("attach://") and value.removeprefix("attach://") in parts:
                name = value.removeprefix("attach://")
                params[key] = params[name]
                used.add(name)
            else:
                # References inside JSON stay as they are; the method reads them.
                nested.update((n, params[n]) for n in ATTACH_RE.findall(value) if n in parts)
        for name in used | nested.keys():
            params.pop(name, None)
        return nested

    async def _call(
        self,
        method: str,
        params: Params,
        *,
        http_method: str,
        content_type: str,
        problems: list[str] | None = None,
        attached: dict[str, UploadedFile] | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Record a call, check it, and answer it: (HTTP status, JSON body). `attached`: the
        file parts named inside its JSON parameters."""
        name = self.spec.method_name(method) or method
        record = ApiRequest(name, params, time.monotonic(), http_method, content_type)
        self.requests.append(record)
        self._touch()
        try:
            status, body = await self._answer(
                method, name, params, list(problems or []), attached or {}
            )
        except Exception as exc:  # a bug in the fake: make the test fail loudly, not hang
            self.violations.append(f"{name}: fake_telegram crashed: {type(exc).__name__}: {exc}")
            status, body = 500, ApiError(500, f"Internal Server Error: {exc}").body()
        record.status = status
        record.result = body.get("result")
        record.description = body.get("description")
        self._touch()
        return status, body

    async def _answer(
        self,
        sent_as: str,
        name: str,
        params: Params,
        problems: list[str],
        attached: dict[str, UploadedFile],
    ) -> tuple[int, dict[str, Any]]:
        problems += self.spec.problems(sent_as, params)
        if problems:
            self.violations += [f"{sent_as}: {p}" for p in problems]
            if self.spec.method_name(sent_as) is None:
                return 404, ApiError(404, "Not Found").body()
            return 400, ApiError(400, "Bad Request: " + "; ".join(problems)).body()
        try:
            failures = self._failures.get(name.lower())
            if failures:
                raise failures.popleft()
            self._check_blocked(name, params)
            charged = int(self._check_flood(name, params))
            # Held from the balance at once (calls are answered concurrently), given back if
            # the message is not delivered: Telegram charges only what it delivered.
            self.star_tenths -= charged
            handler = self._handlers.get(name)
            try:
                if name == "editMessageMedia":
                    result: Any = await self._edit_message_media(params, attached)
                elif handler is None:
                    self.unhandled.append(name)
                    result = True
                else:
                    result = await handler(params)
            except ApiError:
                self.star_tenths += charged
                raise
            if bool_param(params.get("allow_paid_broadcast")):
                self.paid_messages += 1
                self._charged_tenths += charged
        except ApiError as exc:
            if exc.code == 429:
                self.too_many += 1
            return exc.code, exc.body()
        return 200, {"ok": True, "result": result}

    def _check_blocked(self, name: str, params: Params) -> None:
        if name.startswith(("send", "copyMessage", "forwardMessage")):
            chat_id = int_or_none(params.get("chat_id"))
            if chat_id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")

    def _check_flood(self, name: str, params: Params) -> bool:
        """Telegram's flood limits (limits.py): a 429 with retry_after past one; True when a
        paid broadcast's message will be charged."""
        try:
            return self.flood.check(
                name,
                params.get("chat_id"),
                paid=bool_param(params.get("allow_paid_broadcast")),
                can_pay=self.star_tenths >= 1,
            )
        except TooManyRequestsError as exc:
            raise ApiError(429, str(exc), retry_after=exc.retry_after) from None
        except BalanceTooLowError as exc:
            raise ApiError(400, str(exc)) from None

    @property
    def stars_spent(self) -> float:
        """The Stars paid broadcasts took from the bot's balance."""
        return self._charged_tenths / 10

    # ------------------------------------------------------------------ state helpers

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
        self._pending.append(_Pending(update))
        self._touch()
        return update

    def _add_message(
        self, chat: _Chat, *, sender: dict[str, Any], from_bot: bool, **fields: Any
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

    def _chat_of(self, params: Params) -> _Chat:
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

    def _reply_target(self, chat: _Chat, params: Params) -> StoredMessage | None:
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

    # ------------------------------------------------------------------ methods

    async def _get_my_star_balance(self, params: Params) -> Any:
        amount, tenths = divmod(self.star_tenths, 10)
        return {"amount": amount, "nanostar_amount": tenths * 100_000_000}

    async def _get_me(self, params: Params) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: Params) -> Any:
        if self._webhook is not None:
            raise _webhook_conflict()
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = max(int(params.get("timeout") or 0), 0)
        if params.get("allowed_updates") is not None:
            self._allowed_updates = list(json_param(params["allowed_updates"])) or None
        # A newer getUpdates ends an older one still waiting, as on Telegram.
        self._poll_generation += 1
        generation = self._poll_generation
        self._touch()
        self._confirm(offset)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )
            if self._webhook is not None:
                raise _webhook_conflict()
            allowed = _allowed(self._allowed_updates)
            # Telegram never queues updates of types the bot does not want.
            self._pending = [p for p in self._pending if _update_type(p.update) in allowed]
            batch = self._pending[:limit]
            remaining = deadline - loop.time()
            if batch or self._closing or remaining <= 0:
                # A replay goes out once; the rest stays until confirmed by a later offset.
                self._pending = [p for p in self._pending if not (p.forced and p in batch)]
                return [copy.deepcopy(p.update) for p in batch]
            await self._wait_change(remaining)

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._pending = [
                p for p in self._pending if p.forced or p.update["update_id"] >= offset
            ]
        elif offset < 0:
            # A negative offset keeps only the last -offset updates.
            self._pending = self._pending[offset:]

    async def _set_webhook(self, params: Params) -> Any:
        url = str_param(params["url"])
        if not url:
            self._webhook = None  # an empty URL removes the webhook
        elif not url.startswith(("http://", "https://")):
            # The real server wants HTTPS; plain HTTP is allowed here for local bots.
            raise ApiError(400, "Bad Request: bad webhook: invalid URL")
        else:
            allowed = params.get("allowed_updates")
            self._webhook = _Webhook(
                url=url,
                secret_token=opt_str(params.get("secret_token")),
                allowed_updates=None if allowed is None else (list(json_param(allowed)) or None),
                max_connections=int_or_none(params.get("max_connections")),
                ip_address=opt_str(params.get("ip_address")),
            )
        if bool_param(params.get("drop_pending_updates")):
            self._pending.clear()
        self._touch()
        return True

    async def _delete_webhook(self, params: Params) -> Any:
        self._webhook = None
        if bool_param(params.get("drop_pending_updates")):
            self._pending.clear()
        self._touch()
        return True

    async def _get_webhook_info(self, params: Params) -> Any:
        hook = self._webhook
        info: dict[str, Any] = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if hook is not None:
            optional = {
                "ip_address": hook.ip_address,
                "last_error_date": hook.last_error_date,
                "last_error_message": hook.last_error_message,
                "max_connections": hook.max_connections,
                "allowed_updates": hook.allowed_updates,
            }
            info.update({k: v for k, v in optional.items() if v is not None})
        return info

    async def _send_message(self, params: Params) -> Any:
        chat = self._chat_of(params)
        reply_to = self._reply_target(chat, params)
        text, entities, source = self._formatted(params, "text", "entities")
        markup = json_param(params.get("reply_markup"))
        message = self._add_message(
            chat,
            sender=self.bot_user,
            from_bot=True,
            method="sendMessage",
            text=text,
            entities=entities,
            source=source,
            parse_mode=opt_str(params.get("parse_mode")),
            reply_markup=nonempty_markup(markup),
            reply_to=reply_to,
        )
        _track_keyboard(chat, markup)
        return message.to_api()

    def _caption(self, params: Params) -> tuple[str | None, list[dict[str, Any]], str | None]:
        """(visible caption, entities, source) of a media call; None when it has none."""
        if params.get("caption") is None:
            return None, [], None
        return self._formatted(params, "caption", "caption_entities")

    def _editable(self, params: Params) -> StoredMessage:
        """The bot's own message an edit names (only the bot's messages can be edited)."""
        message = self._bot_message(params, missing="message to edit not found")
        if not message.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _edited(self, message: StoredMessage, params: Params, markup: dict[str, Any] | None) -> Any:
        """Finish an edit of text or caption: its parse mode, its buttons, when."""
        message.parse_mode = opt_str(params.get("parse_mode"))
        message.reply_markup = markup
        message.edit_date = self._now()
        self._touch()
        return message.to_api()

    async def _edit_message_text(self, params: Params) -> Any:
        message = self._editable(params)
        if message.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities, source = self._formatted(params, "text", "entities")
        # Leaving reply_markup out of an edit removes the inline keyboard.
        markup = inline_markup(json_param(params.get("reply_markup")))
        if (
            text == message.text
            and entities == message.entities
            and markup == inline_markup(message.reply_markup)
        ):
            raise ApiError(400, NOT_MODIFIED)
        message.edits.append(message.text)
        message.text, message.entities, message.source = text, entities, source
        return self._edited(message, params, markup)

    async def _edit_message_reply_markup(self, params: Params) -> Any:
        message = self._editable(params)
        markup = inline_markup(json_param(params.get("reply_markup")))
        if markup == inline_markup(message.reply_markup):
            raise ApiError(400, NOT_MODIFIED)
        message.reply_markup = markup
        message.edit_date = self._now()
        self._touch()
        return message.to_api()

    async def _delete_message(self, params: Params) -> Any:
        message = self._bot_message(params, missing="message to delete not found")
        message.deleted = True
        self._touch()
        return True

    async def _answer_callback_query(self, params: Params) -> Any:
        query_id = str_param(params["callback_query_id"])
        if query_id not in self._queries or query_id in self.callback_answers:
            raise ApiError(400, QUERY_TOO_OLD)
        self.callback_answers[query_id] = CallbackAnswer(
            query_id=query_id,
            text=opt_str(params.get("text")),
            show_alert=bool_param(params.get("show_alert")),
            url=opt_str(params.get("url")),
            cache_time=int_or_none(params.get("cache_time")),
        )
        self._touch()
        return True

    async def _set_my_commands(self, params: Params) -> Any:
        key = menu_key(params)
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]}
            for c in json_param(params["commands"])
        ]
        return True

    async def _get_my_commands(self, params: Params) -> Any:
        key = menu_key(params)
        return self._commands.get(key, [])

    async def _delete_my_commands(self, params: Params) -> Any:
        key = menu_key(params)
        self._commands.pop(key, None)
        return True

    async def _send_document(self, params: Params) -> Any:
        chat = self._chat_of(params)
        reply_to = self._reply_target(chat, params)
        document = params["document"]
        if isinstance(document, UploadedFile):
            mime = mimetypes.guess_type(document.filename or "")[0] or document.content_type
            stored = self._store_file(document.data, document.filename, mime)
        elif document in self.files:
            stored = self.files[document]
        elif str(document).startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")  # no network here
        else:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        caption, entities, source = self._caption(params)
        markup = json_param(params.get("reply_markup"))
        message = self._add_message(
            chat,
            sender=self.bot_user,
            from_bot=True,
            method="sendDocument",
            caption=caption or None,
            caption_entities=entities,
            source=source,
            parse_mode=opt_str(params.get("parse_mode")),
            document=stored,
            reply_markup=nonempty_markup(markup),
            reply_to=reply_to,
        )
        _track_keyboard(chat, markup)
        return message.to_api()

    async def _send_photo(self, params: Params) -> Any:
        chat = self._chat_of(params)
        reply_to = self._reply_target(chat, params)
        stored = self._photo(params["photo"])
        caption, entities, source = self._caption(params)
        markup = json_param(params.get("reply_markup"))
        message = self._add_message(
            chat,
            sender=self.bot_user,
            from_bot=True,
            method="sendPhoto",
            caption=caption or None,
            caption_entities=entities,
            source=source,
            parse_mode=opt_str(params.get("parse_mode")),
            reply_markup=nonempty_markup(markup),
            reply_to=reply_to,
            photo=stored,
        )
        _track_keyboard(chat, markup)
        return message.to_api()

    async def _edit_message_caption(self, params: Params) -> Any:
        message = self._editable(params)
        if message.text is not None:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption, entities, source = self._caption(params)
        markup = inline_markup(json_param(params.get("reply_markup")))
        if (
            caption == message.caption
            and entities == message.caption_entities
            and markup == inline_markup(message.reply_markup)
        ):
            raise ApiError(400, NOT_MODIFIED)
        message.edits.append(message.caption)
        message.caption, message.caption_entities, message.source = caption, entities, source
        return self._edited(message, params, markup)

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

    async def _edit_message_media(self, params: Params, attached: dict[str, UploadedFile]) -> Any:
        """A message (text, or media not in an album) becomes a photo with a new caption."""
        message = self._editable(params)
        media = json_param(params["media"])
        if media["type"] != "photo":
            self.unhandled.append(f"editMessageMedia to {media['type']}")
            raise ApiError(400, "Bad Request: the fake Telegram edits messages into photos only")
        named = str(media["media"])
        if named.startswith("attach://"):
            if named.removeprefix("attach://") not in attached:
                raise ApiError(400, "Bad Request: can't parse InputMedia: media not found")
            photo = self._photo(attached[named.removeprefix("attach://")])
        else:
            photo = self._photo(named)
        caption, entities, source = (
            self._formatted(media, "caption", "caption_entities")
            if media.get("caption") is not None
            else (None, [], None)
        )
        markup = inline_markup(json_param(params.get("reply_markup")))
        if (
            message.photo is not None
            and photo.file_unique_id == message.photo.file_unique_id
            and caption == message.caption
            and entities == message.caption_entities
            and markup == inline_markup(message.reply_markup)
        ):
            raise ApiError(400, NOT_MODIFIED)
        message.edits.append(message.shown)
        message.text, message.entities, message.document = None, [], None
        message.photo, message.caption, message.caption_entities = photo, caption, entities
        message.source = source
        message.parse_mode = opt_str(media.get("parse_mode"))
        message.reply_markup = markup
        message.edit_date = self._now()
        self._touch()
        return message.to_api()

    async def _send_chat_action(self, params: Params) -> Any:
        self._chat_of(params)
        return True

    async def _get_file(self, params: Params) -> Any:
        stored = self.files.get(str_param(params["file_id"]))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.size > MAX_DOWNLOAD:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    async def _get_chat(self, params: Params) -> Any:
        chat = self._chat_of(params)
        return {
            **chat.info,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }


# ---------------------------------------------------------------------------------------- helpers


async def _read_multipart(resp: ClientResponse) -> Params:
    """The fields of a multipart/form-data answer (aiogram's webhook reply with a method)."""
    params: Params = {}
    reader = MultipartReader.from_response(resp)
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is not None:
            params[part.name] = UploadedFile(part.filename, bytes(await part.read(decode=True)))
        else:
            params[part.name] = await part.text()
    return params


def _webhook_conflict() -> ApiError:
    return ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; "
        "use deleteWebhook to delete the webhook first",
    )


def _update_type(update: dict[str, Any]) -> str:
    return next((k for k in update if k != "update_id"), "")


def _allowed(allowed_updates: list[str] | None) -> _AllowedTypes:
    return _AllowedTypes(set(allowed_updates) if allowed_updates else None)


class _AllowedTypes:
    """The update types a bot asked for (all but a few by default)."""

    def __init__(self, wanted: set[str] | None) -> None:
        self.wanted = wanted

    def __contains__(self, update_type: object) -> bool:
        if self.wanted is None:
            return update_type not in NOT_BY_DEFAULT
        return update_type in self.wanted


def _track_keyboard(chat: _Chat, markup: Any) -> None:
    if isinstance(markup, dict):
        if "keyboard" in markup:
            chat.keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.keyboard = None
