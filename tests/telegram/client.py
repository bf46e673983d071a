"""A Telegram user for in-process tests: sends messages and taps buttons through the Dispatcher."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import (
    CallbackQuery,
    Chat,
    Contact,
    Document,
    InlineKeyboardMarkup,
    Message,
    Sticker,
    Update,
    User,
)

from bot.channels.telegram.channel import TelegramChannel
from tests.telegram.recording import RecordingSession

_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


@dataclass
class TgUser:
    """One Telegram user talking to the channel in this process."""

    channel: TelegramChannel
    session: RecordingSession
    id: int
    first_name: str = "An"
    last_update: Update | None = field(default=None, init=False)

    @property
    def tg_user(self) -> User:
        return User(id=self.id, is_bot=False, first_name=self.first_name)

    def _message(self, **content: Any) -> Message:
        return Message(
            message_id=next(_message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=self.id, type="private"),
            from_user=self.tg_user,
            **content,
        )

    async def feed(self, update: Update) -> None:
        self.last_update = update
        await self.channel.dispatcher.feed_update(self.channel.bot, update)

    async def send(self, text: str) -> None:
        await self.feed(Update(update_id=next(_update_ids), message=self._message(text=text)))

    async def share_contact(self, phone: str, *, own: bool = True) -> None:
        contact = Contact(
            phone_number=phone, first_name=self.first_name, user_id=self.id if own else self.id + 1
        )
        await self.feed(Update(update_id=next(_update_ids), message=self._message(contact=contact)))

    async def send_sticker(self) -> None:
        sticker = Sticker(
            file_id="s",
            file_unique_id="s",
            type="regular",
            width=1,
            height=1,
            is_animated=False,
            is_video=False,
        )
        await self.feed(Update(update_id=next(_update_ids), message=self._message(sticker=sticker)))

    async def send_document(self, filename: str, data: bytes) -> None:
        file_id = f"doc{next(_message_ids)}"
        self.session.files[f"{file_id}"] = data
        doc = Document(
            file_id=file_id, file_unique_id=file_id, file_name=filename, file_size=len(data)
        )
        await self.feed(Update(update_id=next(_update_ids), message=self._message(document=doc)))

    def bot_messages(self) -> list[SendMessage | EditMessageText]:
        """What the bot sent or edited in this chat, in order."""
        return [
            c
            for c in self.session.calls
            if isinstance(c, SendMessage | EditMessageText) and int(c.chat_id or 0) == self.id
        ]

    def last_text(self) -> str:
        return self.bot_messages()[-1].text

    async def tap(self, label: str) -> None:
        """Tap the button with this label on the latest bot message that carries it."""
        for call in reversed(self.bot_messages()):
            markup = call.reply_markup
            if not isinstance(markup, InlineKeyboardMarkup):
                continue
            for row in markup.inline_keyboard:
                for button in row:
                    if button.text == label:
                        await self.tap_data(
                            self.session.message_id_of(call), button.callback_data or ""
                        )
                        return
        raise AssertionError(f"no button {label!r}")

    async def tap_data(self, message_id: int, data: str) -> None:
        shown = Message(
            message_id=message_id,
            date=datetime.now(UTC),
            chat=Chat(id=self.id, type="private"),
            text="…",
        )
        query = CallbackQuery(
            id=f"cb{next(_update_ids)}",
            from_user=self.tg_user,
            chat_instance="ci",
            message=shown,
            data=data,
        )
        await self.feed(Update(update_id=next(_update_ids), callback_query=query))
