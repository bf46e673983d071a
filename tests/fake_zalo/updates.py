"""How updates reach the bot in the fake Zalo: queued by the test's users, handed out one
at a time by getUpdates (long polling) or POSTed to the webhook the bot set, in one of the two
forms real deliveries take."""

from __future__ import annotations

import asyncio
import copy
import ipaddress
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from aiohttp import ClientError, ClientTimeout

from tests.fake_zalo.models import SentMessage, WebhookDelivery
from tests.fake_zalo.users import EVENT_UNSUPPORTED
from tests.support.fake_api import ApiError, FakeApiServer

Params = dict[str, Any]

SECRET_HEADER = "X-Bot-Api-Secret-Token"
DEFAULT_POLL_TIMEOUT = 30.0
WRAPPED, FLAT = "wrapped", "flat"  # the two forms of a webhook body


@dataclass
class Webhook:
    url: str
    secret_token: str
    updated_at: int


class ZaloUpdates(FakeApiServer[SentMessage, WebhookDelivery]):
    """Queued updates and their delivery: getUpdates, setWebhook, deleteWebhook,
    getWebhookInfo, and the webhook's delivery loop."""

    def __init__(
        self, *, clock: Callable[[], float] = time.time, webhook_forms: tuple[str, ...]
    ) -> None:
        super().__init__()
        self._clock = clock
        if not webhook_forms or set(webhook_forms) - {WRAPPED, FLAT}:
            raise ValueError(f"webhook_forms are {WRAPPED!r} and {FLAT!r}, in some order")
        self.webhook_forms = webhook_forms
        self.violations: list[str] = []
        self.webhook_responses: list[WebhookDelivery] = []
        self._pending: list[dict[str, Any]] = []
        self._handed_out: dict[str, dict[str, Any]] = {}  # message_id -> update, for replay
        self._webhook: Webhook | None = None
        self._posting = False  # an update is on its way to the webhook

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

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet handed out (polling) or delivered (webhook)."""
        return list(self._pending)

    def _delivered(self) -> bool:
        return not self._pending and not self._posting

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
        self._webhook = Webhook(url, secret, self._now_ms())
        return {"url": url, "updated_at": self._webhook.updated_at}

    async def _delete_webhook(self, params: Params) -> Any:
        self._webhook = None
        return {"url": "", "updated_at": self._now_ms()}

    async def _get_webhook_info(self, params: Params) -> Any:
        hook = self._webhook
        return {"url": hook.url if hook else "", "updated_at": hook.updated_at if hook else 0}

    def _remember(self, update: dict[str, Any]) -> None:
        message_id = (update.get("message") or {}).get("message_id")
        if isinstance(message_id, str):
            self._handed_out[message_id] = copy.deepcopy(update)

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)

    def _violation(self, method: str, problem: str, code: int = 400) -> ApiError:
        """A call that breaks the API: kept in `violations`, answered with an error."""
        self.violations.append(f"{method}: {problem}")
        return ApiError(code, f"Bad Request: {problem}" if code == 400 else problem)


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
