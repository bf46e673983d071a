"""How updates reach the bot in the fake Telegram: queued by the test's users, fetched with
getUpdates (long polling) or POSTed to the webhook the bot set."""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
from typing import Any

from aiohttp import BodyPartReader, ClientError, ClientTimeout, MultipartReader
from aiohttp.client import ClientResponse

from tests.fake_telegram.models import UploadedFile, WebhookDelivery
from tests.fake_telegram.params import (
    bool_param,
    int_or_none,
    json_param,
    opt_str,
    str_param,
)
from tests.fake_telegram.state import Chat, Params, Pending, TelegramState, Webhook
from tests.support.fake_api import ApiError

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# Update types sent when allowed_updates is not given or empty.
NOT_BY_DEFAULT = {"chat_member", "message_reaction", "message_reaction_count"}


class UpdatesMixin(TelegramState):
    """Queueing updates and delivering them: getUpdates, setWebhook, deleteWebhook,
    getWebhookInfo, and the webhook's delivery loop."""

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
                self._chats.setdefault(chat["id"], Chat(chat))
            if key == "callback_query" and "id" in body:
                self._queries.add(str(body["id"]))
        return self._enqueue(update)

    def replay(self, update_id: int) -> dict[str, Any]:
        """Deliver an already queued update once more, as Telegram sometimes does."""
        update = copy.deepcopy(self.updates[update_id])
        self._pending.append(Pending(update, forced=True))
        self._touch()
        return update

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (polling) or not yet delivered (webhook)."""
        return [p.update for p in self._pending]

    def _delivered(self) -> bool:
        return not self._webhook_queue()

    def _report_more(self) -> list[str]:
        if self._webhook and self._webhook.last_error_message:
            return [f"webhook error: {self._webhook.last_error_message}"]
        return []

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

    def _webhook_queue(self) -> list[Pending]:
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
                await self._run_webhook_reply(reply)
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
            self._webhook = Webhook(
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
