"""Translating between Telegram objects and engine events and replies; no I/O here."""

from __future__ import annotations

import json
from typing import Any

from aiogram.types import CallbackQuery
from aiogram.types import Message as TgMessage

from bot.channels.text import split_text as split_lines
from handlers.events import Choice, Command, Contact, Event, Message, Text, Unsupported, User

CHANNEL = "telegram"
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64


def user_of(tg_user: object) -> User:
    """The engine's user for a Telegram user."""
    uid = getattr(tg_user, "id", 0)
    name = getattr(tg_user, "full_name", "") or ""
    return User(CHANNEL, str(uid), name)


def event_of_message(message: TgMessage) -> Event | None:
    """The event a private message stands for (None for messages the bot ignores)."""
    if message.from_user is None or message.chat.type != "private":
        return None
    user = user_of(message.from_user)
    if message.contact is not None:
        own = message.contact.user_id == message.from_user.id
        return Contact(user, message.contact.phone_number, own)
    text = message.text
    if text is None:
        return Unsupported(user, message.content_type)
    if text.startswith("/"):
        name, _, args = text[1:].partition(" ")
        return Command(user, name, args.strip())
    return Text(user, text)


def message_ref(chat_id: int, message_id: int) -> str:
    """A message reference the engine can hand back to have the message edited."""
    return f"{chat_id}:{message_id}"


def parse_ref(ref: str) -> tuple[int, int] | None:
    """(chat id, message id) from a reference made by message_ref."""
    chat, _, mid = ref.partition(":")
    try:
        return int(chat), int(mid)
    except ValueError:
        return None


def event_of_callback(query: CallbackQuery) -> Choice:
    """A tap on an inline button."""
    ref = None
    msg = query.message
    if msg is not None:
        ref = message_ref(msg.chat.id, msg.message_id)
    return Choice(user_of(query.from_user), query.data or "", ref)


def _json(markup: dict[str, Any]) -> str:
    return json.dumps(markup, ensure_ascii=False, separators=(",", ":"))


# Takes away the contact keyboard (a markup Telegram reads as JSON text).
REMOVE_KEYBOARD = _json({"remove_keyboard": True})


def inline_keyboard(m: Message) -> str | None:
    """The inline keyboard of a message as JSON text, or None when it has no buttons."""
    if not m.buttons:
        return None
    rows = []
    for row in m.buttons:
        for b in row:
            if len(b.token.encode()) > MAX_CALLBACK_DATA:
                raise ValueError(f"button token over {MAX_CALLBACK_DATA} bytes: {b.token[:20]}…")
        rows.append([{"text": b.label, "callback_data": b.token} for b in row])
    return _json({"inline_keyboard": rows})


def contact_keyboard(label: str) -> str:
    """The one-button keyboard that shares the participant's own phone number (JSON text)."""
    return _json(
        {
            "keyboard": [[{"text": label, "request_contact": True}]],
            "resize_keyboard": True,
            "one_time_keyboard": True,
        }
    )


def reply_markup(m: Message, *, contact_label: str, after_typing: bool) -> str | None:
    """The markup of a message as JSON text: inline buttons, the contact keyboard, or removing
    that keyboard (None: no markup).

    A message that answers typed text or a shared contact and has no buttons of its own takes
    the contact keyboard away: the phone step is the only one that shows it, and removing a
    keyboard that is not there changes nothing. The markup is written as the JSON Telegram
    reads rather than built as aiogram's models: see calls.py.
    """
    if m.ask_contact:
        return contact_keyboard(contact_label)
    inline = inline_keyboard(m)
    if inline is not None:
        return inline
    return REMOVE_KEYBOARD if after_typing else None


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces that fit one Telegram message (see bot.channels.text.split_text)."""
    return split_lines(text, limit)
