"""A local fake of the Telegram Bot API: an aiohttp server that checks every call against the spec.

The bot under test talks to it over HTTP exactly as it would to api.telegram.org; the test
plays the users (`tg.user(...)`) and reads what the bot did (`tg.sent_to(...)`, `tg.requests`).
The methods it implements live by kind beside it: updates.py (getUpdates, webhooks),
sending.py, editing.py, menus.py (small calls) and stars.py (flood limits, paid broadcasts).
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import Any

from aiohttp import web

from tests.fake_telegram.editing import EditingMixin
from tests.fake_telegram.menus import MenusMixin
from tests.fake_telegram.models import ApiRequest, StoredMessage, UploadedFile
from tests.fake_telegram.params import int_or_none, resolve_attachments
from tests.fake_telegram.sending import SendingMixin
from tests.fake_telegram.stars import StarsMixin
from tests.fake_telegram.state import STATUS_TEXT, Chat, Params
from tests.fake_telegram.updates import UpdatesMixin
from tests.fake_telegram.users import FakeUser
from tests.support.fake_api import ApiError

Handler = Callable[[Params], Awaitable[Any]]

MAX_UPLOAD = 50 * 1024 * 1024  # what a bot may upload


class FakeTelegram(UpdatesMixin, SendingMixin, EditingMixin, MenusMixin, StarsMixin):
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

    platform = "Telegram"

    @cached_property
    def _handlers(self) -> dict[str, Handler]:
        """The methods the fake implements (editMessageMedia apart: it reads the file parts)."""
        return {
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
            self._chats.setdefault(user_id, Chat(user.chat_info()))
        return self._users[user_id]

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

    def _number(self, message: StoredMessage) -> int:
        return message.message_id

    def _calls(self) -> list[ApiRequest]:
        return self.requests

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
        attached = resolve_attachments(params)
        return params, problems, attached

    async def _run_webhook_reply(self, reply: Params) -> None:
        method = str(reply.pop("method", ""))
        attached = resolve_attachments(reply)
        await self._call(
            method, reply, http_method="WEBHOOK-REPLY", content_type="", attached=attached
        )

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
            result = await self._within_limits(
                name, params, lambda: self._run(name, params, attached)
            )
        except ApiError as exc:
            if exc.code == 429:
                self.too_many += 1
            return exc.code, exc.body()
        return 200, {"ok": True, "result": result}

    async def _run(self, name: str, params: Params, attached: dict[str, UploadedFile]) -> Any:
        if name == "editMessageMedia":
            return await self._edit_message_media(params, attached)
        handler = self._handlers.get(name)
        if handler is None:
            self.unhandled.append(name)
            return True
        return await handler(params)

    def _check_blocked(self, name: str, params: Params) -> None:
        if name.startswith(("send", "copyMessage", "forwardMessage")):
            chat_id = int_or_none(params.get("chat_id"))
            if chat_id in self._blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
