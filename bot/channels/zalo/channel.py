"""The Zalo channel: updates from getUpdates or the webhook feed the engine; replies go back
as text.

Updates, in the documented shape, as getUpdates' `result` and as a webhook body either wrapped
(`{"ok": true, "result": ...}`, as documented) or flat (as deliveries are seen to arrive):
`{"event_name": "message.text.received", "message": {"from": {"id", "display_name"},
"chat": {"id", "chat_type"}, "text", "message_id", "date"}}`. Text becomes a Command, a Choice
(a typed answer or menu number, mapped through the options last listed, see
bot.channels.text) or Text; images (`photo_url`), stickers, `message.unsupported.received` (a
protected user's message, with no content) and any other event with a sender become
Unsupported. Group chats and events with no sender (an unsupported event can come with no
`message` at all) are ignored.

Each update is handled once: de-duplicated on its message_id (or, without one, on event,
chat and date) in the session store, so a redelivery or a second replica changes nothing.
One user's updates are handled in the order they arrive in this process; different users'
run side by side. In a private chat the chat id is the user id, which is how replies owed
outside an update (`send_to`) find the user.

Zalo has no edit, no buttons and no contact sharing: see render.py for what a reply becomes.
A 403 when sending is taken to mean the user blocked the bot (the docs list no error codes).
A reply Zalo refuses (after the client's retries) is logged, and nothing more is sent to that
chat for the update: an apology would meet the same refusal.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from bot.channels.base import RecipientBlockedError, RetryLaterError
from bot.channels.gate import Gate
from bot.channels.text import (
    Hint,
    event_of_text,
    hint_text,
    is_answer_set,
    listed_by,
    mapped_after,
)
from bot.channels.zalo.client import TOO_MANY_REQUESTS, ZaloApiError, ZaloClient, ZaloError
from bot.channels.zalo.render import render
from bot.config import ConfigurationError
from bot.engine import Engine
from handlers.events import Choice, Document, Event, Message, Notice, Reply, Unsupported, User
from handlers.texts import Texts, plain
from storage.session import Admission, SessionStore

log = logging.getLogger(__name__)

CHANNEL = "zalo"
SECRET_HEADER = "X-Bot-Api-Secret-Token"
EVENT_TEXT = "message.text.received"
UNSUPPORTED_KINDS = {
    "message.image.received": "photo",
    "message.sticker.received": "sticker",
    "message.unsupported.received": "unsupported",
}
POLL_SECONDS = 30
# How long a broadcast pauses after Zalo kept answering 429 and says nothing of how long.
SLOW_DOWN_SECONDS = 30.0
MIN_SECRET, MAX_SECRET = 8, 256


@dataclass
class _UserLock:
    """One user's updates are handled one at a time; `users` counts those holding or waiting."""

    lock: asyncio.Lock
    users: int = 0


@dataclass(frozen=True)
class Incoming:
    """What the channel needs of one update."""

    user: User
    chat_id: str
    event_name: str
    text: str | None
    key: str  # de-duplication key


def parse_update(update: dict[str, Any]) -> Incoming | None:
    """The parts of an update the bot acts on; None for updates it ignores."""
    if "event_name" not in update and isinstance(update.get("result"), dict):
        update = update["result"]  # the documented webhook body wraps the update
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    sender, chat = message.get("from"), message.get("chat")
    if not isinstance(sender, dict) or not sender.get("id") or sender.get("is_bot"):
        return None
    chat = chat if isinstance(chat, dict) else {}
    if str(chat.get("chat_type", "PRIVATE")).upper() != "PRIVATE":
        return None
    user_id = str(sender["id"])
    name = str(sender.get("display_name") or sender.get("first_name") or sender.get("name") or "")
    chat_id = str(chat.get("id") or user_id)
    event_name = str(update.get("event_name") or "")
    mid = message.get("message_id")
    key = str(mid) if mid else f"{event_name}:{chat_id}:{message.get('date', '')}"
    text = message.get("text")
    return Incoming(
        User(CHANNEL, user_id, name),
        chat_id,
        event_name,
        text if isinstance(text, str) else None,
        key,
    )


class ZaloChannel:
    """Feeds Zalo updates to the engine and sends the replies back as text."""

    name = CHANNEL

    def __init__(
        self,
        client: ZaloClient,
        engine: Engine,
        store: SessionStore,
        texts: Texts,
        *,
        flood_limit: int = 30,
        flood_window: int = 10,
        poll_seconds: int = POLL_SECONDS,
        backoff: tuple[float, float] = (1.0, 60.0),
    ) -> None:
        self.client = client
        self.engine = engine
        self.store = store
        self.texts = texts
        self.gate = Gate(engine, CHANNEL, flood_limit=flood_limit, flood_window=flood_window)
        self.poll_seconds = poll_seconds
        self.backoff = backoff
        self.webhook_secret: str | None = None
        self._stopping = asyncio.Event()
        self._poller: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._locks: dict[str, _UserLock] = {}

    # ------------------------------------------------------------------ starting and stopping

    async def check(self) -> str:
        """Check the token with getMe; the bot's account name."""
        try:
            me = await self.client.get_me()
        except ZaloApiError as exc:
            raise ConfigurationError(f"the Zalo Bot API refused ZALO_BOT_TOKEN ({exc})") from exc
        return str(me.get("account_name") or me.get("id") or "?")

    async def start_polling(self) -> None:
        """Drop any webhook (the two modes exclude each other) and start asking for updates."""
        await self.client.delete_webhook()
        self._stopping.clear()
        self._poller = asyncio.create_task(self.poll())

    async def use_webhook(self, url: str, secret: str) -> None:
        """Have Zalo POST updates to `url`; on_webhook must already be serving there."""
        if not MIN_SECRET <= len(secret) <= MAX_SECRET:
            raise ConfigurationError(
                f"ZALO_WEBHOOK_SECRET must be {MIN_SECRET}-{MAX_SECRET} characters long"
            )
        self.webhook_secret = secret
        await self.client.set_webhook(url, secret)

    async def stop(self, timeout: float = 10.0) -> bool:  # noqa: ASYNC109 - a deadline shared by several waits
        """Take no more updates and let the ones being handled finish within `timeout`.

        Stopping cancels a long poll in flight: Zalo has no offset to confirm updates, so an
        update handed out at that very instant could be lost. False if work was left over.
        """
        self._stopping.set()
        self.webhook_secret = None
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await poller
        if not self._tasks:
            return True
        _, unfinished = await asyncio.wait(set(self._tasks), timeout=timeout)
        if unfinished:
            log.warning("stopping with %d Zalo updates still being handled", len(unfinished))
        return not unfinished

    # ------------------------------------------------------------------ incoming

    async def poll(self) -> None:
        """Ask for updates until stopped; failures back off exponentially."""
        low, high = self.backoff
        delay = low
        while not self._stopping.is_set():
            try:
                updates = await self.client.get_updates(self.poll_seconds)
            except Exception as exc:
                log.warning("Zalo getUpdates failed (%s); trying again in %.0f s", exc, delay)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), delay)
                delay = min(delay * 2, high)
                continue
            delay = low
            for update in updates:
                self._spawn(self.handle_update(update))

    async def on_webhook(self, request: web.Request) -> web.Response:
        """The webhook route: a request without the right secret is refused and ignored."""
        expected = self.webhook_secret
        given = request.headers.get(SECRET_HEADER, "")
        if expected is None or not secrets.compare_digest(given.encode(), expected.encode()):
            return web.json_response({"ok": False, "description": "Unauthorized"}, status=401)
        try:
            body = await request.json()
        except ValueError:
            log.warning("Zalo webhook: a body that is not JSON was refused (400)")
            return web.json_response({"ok": False, "description": "Bad Request"}, status=400)
        if isinstance(body, dict):
            self._spawn(self.handle_update(body))
        return web.json_response({"ok": True})

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def handle_update(self, update: dict[str, Any]) -> None:
        """Handle one update, once; a failure is logged and answered with an apology."""
        incoming = parse_update(update)
        if incoming is None:
            log.info("Zalo %s update ignored", update.get("event_name") or "unnamed")
            return
        key = incoming.user.key
        turn = self._locks.setdefault(key, _UserLock(asyncio.Lock()))
        turn.users += 1
        try:
            async with turn.lock:
                await self._handle(incoming)
        except ZaloError as exc:
            # Zalo refused a reply: an apology to the same chat would be refused too.
            log.warning("Zalo %s update: a reply was not delivered (%s)", incoming.event_name, exc)
        except Exception:
            log.exception("Zalo %s update failed", incoming.event_name)
            try:
                await self.client.send_message(incoming.chat_id, plain(self.texts("common.error")))
            except Exception:  # the apology failing must not take the bot down
                log.exception("could not send the apology to the Zalo user")
        finally:
            turn.users -= 1
            if turn.users == 0:
                del self._locks[key]

    async def _handle(self, incoming: Incoming) -> None:
        user = incoming.user
        admission = self.gate.admission(incoming.key, user)
        shown = await self.store.buttons(user.key)
        event: Event | Hint
        if incoming.event_name == EVENT_TEXT and incoming.text and incoming.text.strip():
            event = event_of_text(user, incoming.text, shown, ref=incoming.key)
        else:
            event = Unsupported(user, UNSUPPORTED_KINDS.get(incoming.event_name, "unsupported"))
        if isinstance(event, Hint):
            if await self.gate.admit(admission):
                await self.client.send_message(incoming.chat_id, hint_text(self.texts, event))
            else:
                await self._refused(incoming.chat_id, admission)
            return
        replies = await self.gate.handle(event, admission)
        if replies is None:
            await self._refused(incoming.chat_id, admission)
            return
        await self.deliver(
            incoming.chat_id,
            user.key,
            replies,
            event=event,
            shown=shown,
            answered=isinstance(event, Choice) and is_answer_set(shown),
        )

    async def _refused(self, chat_id: str, admission: Admission) -> None:
        """The first message over the flood limit is asked to slow down; the rest, nothing."""
        if admission.first_over:
            await self.client.send_message(chat_id, plain(self.texts("common.slow_down")))

    # ------------------------------------------------------------------ outgoing

    async def deliver(
        self,
        chat_id: str,
        user_key: str,
        replies: list[Reply],
        *,
        event: Event | None = None,
        shown: list[tuple[str, str]] | None = None,
        answered: bool = False,
    ) -> None:
        """Send the replies to `event` (None: owed outside an update) as text, and remember
        the options typing maps to afterwards (bot.channels.text.mapped_after).

        They are saved before sending, so an answer typed the moment the question appears
        already maps. `shown`: the options mapped before, when the caller has read them.
        """
        before = await self.store.buttons(user_key) if shown is None else shown
        mapping = await mapped_after(self.engine.svc, event, before, listed_by(replies))
        waiting = mapping.shown if mapping.waiting else None
        if mapping.shown != before:
            await self.store.save_buttons(user_key, mapping.shown)
        for reply in replies:
            if isinstance(reply, Document):
                log.warning("a document (%s) cannot be sent on Zalo: left out", reply.filename)
        for picture, part in pictured(replies):
            if picture:
                await self._picture(chat_id, picture)
            for text in render(self.texts, part, answered=answered, waiting=waiting):
                await self.client.send_message(chat_id, text)
        await self.engine.delivered(replies)

    async def _picture(self, chat_id: str, key: str) -> None:
        """A question's picture, by URL: a Zalo bot sends images no other way. A picture Zalo
        refuses (its file gone, its address unreachable) never holds back the question's text;
        a chat that refuses the bot, or a 429, would refuse the text too."""
        url = picture_url(self.engine.svc.public_url, key)
        if url is None:
            log.warning("no PUBLIC_BASE_URL: a question's picture cannot be sent on Zalo")
            return
        try:
            await self.client.send_photo(chat_id, url)
        except ZaloApiError as exc:
            if exc.forbidden or exc.error_code == TOO_MANY_REQUESTS:
                raise
            log.warning("picture %s was not sent (%s): the question goes without it", key, exc)

    async def send_to(self, user_id: str, replies: list[Reply]) -> None:
        """Deliver replies owed to a user outside an update (sweep, announcements).

        RecipientBlockedError when the user blocked the bot; RetryLaterError when Zalo still
        answers 429 after the client's retries.
        """
        try:
            await self.deliver(user_id, f"{CHANNEL}:{user_id}", replies)
        except ZaloApiError as exc:
            if exc.forbidden:
                raise RecipientBlockedError(str(exc)) from exc
            if exc.error_code == TOO_MANY_REQUESTS:
                raise RetryLaterError(exc.retry_after or SLOW_DOWN_SECONDS) from exc
            raise


def picture_url(public_url: str, key: str) -> str | None:
    """Where Zalo fetches a question's picture (the web server's /anh/<key>), or None when the
    server's public address is not set."""
    if not public_url:
        return None
    return f"{public_url.rstrip('/')}/anh/{key}"


def pictured(replies: list[Reply]) -> list[tuple[str, list[Reply]]]:
    """The replies cut before each new message with a picture: (its picture, or "" for the
    first part, and the replies to render after it). The notices just before such a message
    go with it, as they lead its text (echoes left out, see render). An edit comes as a new
    message, with its picture (the next question's, in place of the one answered), except one
    that keeps the picture the edited message showed (the answered question restated)."""
    parts: list[tuple[str, list[Reply]]] = [("", [])]
    for reply in replies:
        if isinstance(reply, Message) and reply.new_picture:
            current = parts[-1][1]
            cut = len(current)
            while cut and _leads(current[cut - 1]):
                cut -= 1
            parts[-1] = (parts[-1][0], current[:cut])
            parts.append((reply.image, [*current[cut:], reply]))
        else:
            parts[-1][1].append(reply)
    return [(picture, part) for picture, part in parts if picture or part]


def _leads(reply: Reply) -> bool:
    """Whether a reply goes with the message after it: a notice, or an echo left out."""
    return isinstance(reply, Notice) or (isinstance(reply, Message) and reply.echo)
