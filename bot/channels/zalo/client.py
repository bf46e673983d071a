"""A small async client of the Zalo Bot Platform API.

Every method is a POST to `<base>/bot<TOKEN>/<method>` with a JSON body, answered with
`{"ok": true, "result": ...}` or `{"ok": false, "error_code": ..., "description": ...}`.

What the published reference does not say, and what this client assumes:
- getUpdates takes `timeout` (seconds, a string) and returns a single update with no offset
  to confirm; an empty long poll ends with error 408 "Request timeout", which means "nothing
  new", not a failure. A list of updates is accepted too, should the API ever return one.
- No error codes are documented besides that 408. 429 and 5xx (as the HTTP status or as
  `error_code`) and network failures are retried with exponential backoff, honouring a
  `Retry-After` header or `parameters.retry_after` if Zalo ever sends one; 403 is taken to
  mean the user blocked the bot or cannot be messaged.
- A send retried after a lost answer may arrive twice: a duplicate beats a lost question.

The token is part of every URL, so it never goes into an exception or a log line; httpx's
own request log is redacted (see `bot.logs`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any

import httpx

from bot import metrics
from bot.logs import redact, redact_logger
from bot.pacer import Pacer

log = logging.getLogger(__name__)

DEFAULT_API_BASE = "https://bot-api.zaloplatforms.com"
POLL_TIMEOUT_CODE = 408
FORBIDDEN_CODE = 403
TOO_MANY_REQUESTS = 429
# The calls that put a message in a chat: each waits its turn in the pacer.
MESSAGE_METHODS = frozenset({"sendMessage", "sendPhoto", "sendSticker"})
# How many 429s a paced call outlives (see bot/channels/telegram/session.py).
PATIENCE = 30


class ZaloError(Exception):
    """A call to the Zalo Bot API failed."""


class ZaloNetworkError(ZaloError):
    """Zalo could not be reached (after the retries)."""

    def __init__(self, method: str, reason: str) -> None:
        super().__init__(f"{method}: network error: {reason}")
        self.method = method


class ZaloApiError(ZaloError):
    """Zalo answered with an error: its error_code and description."""

    def __init__(
        self, method: str, error_code: int, description: str, *, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{method}: {error_code} {description}")
        self.method = method
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after

    @property
    def retryable(self) -> bool:
        """Too many requests or a server error: worth trying again later."""
        return self.error_code == TOO_MANY_REQUESTS or self.error_code >= 500

    @property
    def forbidden(self) -> bool:
        """The user blocked the bot or cannot be messaged by it."""
        return self.error_code == FORBIDDEN_CODE


class ZaloClient:
    """Calls the Zalo Bot API; retries what is worth retrying, raises ZaloError otherwise."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_API_BASE,
        timeout: float = 15.0,
        attempts: int = 4,
        base_delay: float = 0.5,
        max_delay: float = 30.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        transport: httpx.AsyncBaseTransport | None = None,
        pacer: Pacer | None = None,
    ) -> None:
        redact_logger("httpx")
        self.pacer = pacer
        self._prefix = f"{base_url.rstrip('/')}/bot{token}/"
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.sleep = sleep
        self._http = httpx.AsyncClient(timeout=timeout, transport=transport)

    async def __aenter__(self) -> ZaloClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connections."""
        await self._http.aclose()

    # ------------------------------------------------------------------ methods

    async def get_me(self) -> dict[str, Any]:
        """The bot's own account (checks the token)."""
        return _object(await self.call("getMe"))

    async def get_updates(self, poll_seconds: int = 30) -> list[dict[str, Any]]:
        """Let Zalo hold the request up to `poll_seconds` until a user writes; [] if none did.

        Not retried here: the polling loop decides how long to back off.
        """
        try:
            result = await self.call(
                "getUpdates",
                {"timeout": str(poll_seconds)},
                http_timeout=poll_seconds + 10,
                retry=False,
            )
        except ZaloApiError as exc:
            if exc.error_code == POLL_TIMEOUT_CODE:
                return []
            raise
        if isinstance(result, list):
            return [u for u in result if isinstance(u, dict) and u]
        if isinstance(result, dict) and result:
            return [result]
        return []

    async def set_webhook(self, url: str, secret_token: str) -> dict[str, Any]:
        """Have Zalo POST updates to `url` with `secret_token` in X-Bot-Api-Secret-Token."""
        return _object(await self.call("setWebhook", {"url": url, "secret_token": secret_token}))

    async def delete_webhook(self) -> dict[str, Any]:
        """Stop webhook delivery (getUpdates works again)."""
        return _object(await self.call("deleteWebhook"))

    async def get_webhook_info(self) -> dict[str, Any]:
        """The webhook URL set now ("" when none) and when it was set."""
        return _object(await self.call("getWebhookInfo"))

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        """Send a text of 1-2000 characters; the new message's id and date."""
        return _object(await self.call("sendMessage", {"chat_id": chat_id, "text": text}))

    async def send_photo(
        self, chat_id: str, photo: str, caption: str | None = None
    ) -> dict[str, Any]:
        """Send the image at URL `photo`, with an optional caption of 1-2000 characters."""
        params = {"chat_id": chat_id, "photo": photo}
        if caption:
            params["caption"] = caption
        return _object(await self.call("sendPhoto", params))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        """Show "typing..." (or another documented action) in the chat for a moment."""
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    # ------------------------------------------------------------------ transport

    async def call(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        http_timeout: float | None = None,
        retry: bool = True,
    ) -> Any:
        """The `result` of one API call (None when there is none)."""
        attempts = self.attempts if retry else 1
        paced = self.pacer is not None and method in MESSAGE_METHODS
        chat = (params or {}).get("chat_id") if paced else None
        failures = limited = 0
        while True:
            if paced:
                assert self.pacer is not None
                await self.pacer.turn(chat)
            try:
                return await self._once(method, params or {}, http_timeout)
            except ZaloApiError as exc:
                failures += 1
                if not exc.retryable:
                    raise
                if paced and exc.error_code == TOO_MANY_REQUESTS:
                    # Held in the shared pace (every process), and tried again in its turn:
                    # a reply goes out later rather than never.
                    limited += 1
                    if limited >= PATIENCE:
                        raise
                    failures -= 1
                    assert self.pacer is not None
                    wait = self._delay(limited, exc.retry_after)
                    log.warning("Zalo %s answered 429: holding sends %.1f s", method, wait)
                    await self.pacer.hold(wait, chat)
                    continue
                if failures >= attempts:
                    raise
                delay = self._delay(failures, exc.retry_after)
                log.warning(
                    "Zalo %s answered %s: retrying in %.1f s", method, exc.error_code, delay
                )
            except ZaloNetworkError as exc:
                failures += 1
                if failures >= attempts:
                    raise
                delay = self._delay(failures, None)
                log.warning("%s: retrying in %.1f s", exc, delay)
            await self.sleep(delay)

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        return float(min(self.base_delay * 2 ** (attempt - 1), self.max_delay))

    async def _once(self, method: str, params: dict[str, Any], http_timeout: float | None) -> Any:
        kwargs: dict[str, Any] = {"json": params}
        metrics.api_call("zalo", method)
        if http_timeout is not None:
            kwargs["timeout"] = http_timeout
        try:
            resp = await self._http.post(self._prefix + method, **kwargs)
        except httpx.TransportError as exc:
            # Not chained: the httpx exception carries the request, and so the token.
            reason = redact(f"{type(exc).__name__}: {exc}".rstrip(": "))
            raise ZaloNetworkError(method, reason) from None
        try:
            body = resp.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ZaloApiError(
                method,
                resp.status_code if resp.status_code >= 400 else 502,
                f"unreadable answer (HTTP {resp.status_code})",
            )
        if body.get("ok") is True and resp.status_code < 400:
            return body.get("result")
        code = body.get("error_code")
        error_code = code if isinstance(code, int) and code > 0 else resp.status_code
        if error_code < 400:
            error_code = 500  # "ok": false with no usable code
        description = str(body.get("description") or resp.reason_phrase or "error")
        if error_code == TOO_MANY_REQUESTS:
            metrics.api_rate_limited("zalo", method)
        raise ZaloApiError(method, error_code, description, retry_after=_retry_after(resp, body))


def _retry_after(resp: httpx.Response, body: dict[str, Any]) -> float | None:
    params = body.get("parameters")
    if isinstance(params, dict) and isinstance(params.get("retry_after"), int | float):
        return float(params["retry_after"])
    header = resp.headers.get("Retry-After")
    if header is not None:
        try:
            return float(header)
        except ValueError:
            return None
    return None


def _object(result: Any) -> dict[str, Any]:
    return result if isinstance(result, dict) else {}
