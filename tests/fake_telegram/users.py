"""The users a test plays in the fake Telegram: each action queues an update, as a person's
message or tap reaches the Bot API, and returns it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from tests.fake_telegram.models import StoredMessage

if TYPE_CHECKING:
    from tests.fake_telegram.server import FakeTelegram

COMMAND_RE = re.compile(r"/[A-Za-z0-9_]+(?:@[A-Za-z0-9_]+)?")


class FakeUser:
    """A Telegram user talking to the bot; each action queues an update and returns it."""

    def __init__(
        self,
        tg: FakeTelegram,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> None:
        self.tg = tg
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code

    def to_api(self) -> dict[str, Any]:
        """The User object."""
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        optional = {
            "last_name": self.last_name,
            "username": self.username,
            "language_code": self.language_code,
        }
        user.update({k: v for k, v in optional.items() if v is not None})
        return user

    def chat_info(self) -> dict[str, Any]:
        """The private Chat object of this user's chat with the bot."""
        chat: dict[str, Any] = {"id": self.id, "type": "private", "first_name": self.first_name}
        optional = {"last_name": self.last_name, "username": self.username}
        chat.update({k: v for k, v in optional.items() if v is not None})
        return chat

    @property
    def messages(self) -> list[StoredMessage]:
        """This user's chat with the bot."""
        return self.tg.chat(self.id)

    def send_text(self, text: str) -> dict[str, Any]:
        """Type a message; a leading /command gets its bot_command entity."""
        entities = []
        if m := COMMAND_RE.match(text):
            entities.append(
                {
                    "type": "bot_command",
                    "offset": 0,
                    "length": len(m.group().encode("utf-16-le")) // 2,
                }
            )
        return self._send(text=text, entities=entities)

    def send_contact(self, phone: str, own: bool = True) -> dict[str, Any]:
        """Share a phone number: one's own (contact.user_id is this user) or someone else's."""
        if own:
            contact: dict[str, Any] = {
                "phone_number": phone,
                "first_name": self.first_name,
                "user_id": self.id,
            }
            if self.last_name:
                contact["last_name"] = self.last_name
        else:
            contact = {
                "phone_number": phone,
                "first_name": "Someone",
                "user_id": self.id + 1_000_000_000,
            }
        return self._send(extra={"contact": contact})

    def send_document(
        self, filename: str, data: bytes, mime_type: str | None = None, caption: str | None = None
    ) -> dict[str, Any]:
        """Send a file; the bot can getFile and download it."""
        stored = self.tg._store_file(data, filename, mime_type)
        return self._send(document=stored, caption=caption)

    def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        """Send a sticker (something the bot gets but cannot read as text)."""
        n = self.tg._next()
        sticker = {
            "file_id": f"CAACAgIAAxkBAA{n:06d}",
            "file_unique_id": f"AgADst{n:06d}",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._send(extra={"sticker": sticker})

    def tap(self, message_id: int, data: str) -> dict[str, Any]:
        """Press an inline button with this callback data under a message of this chat."""
        message = self.tg._chats[self.id].messages.get(message_id)
        if message is None or message.deleted:
            raise LookupError(f"no message {message_id} in chat {self.id} to tap a button of")
        query_id = str(4_000_000_000_000_000 + self.tg._next())
        self.tg._queries.add(query_id)
        query = {
            "id": query_id,
            "from": self.to_api(),
            "message": message.to_api(),
            "chat_instance": str(-7_000_000_000_000 - self.id),
            "data": data,
        }
        return self.tg._enqueue({"callback_query": query})

    def tap_button(self, label: str) -> dict[str, Any]:
        """Press the inline button labelled `label` on the latest bot message that has one."""
        for message in reversed(self.tg.sent_to(self.id)):
            if message.deleted:
                continue
            for button in message.buttons:
                if button.text == label:
                    if button.callback_data is None:
                        raise AssertionError(
                            f"button {label!r} has no callback_data (url={button.url!r})"
                        )
                    return self.tap(message.message_id, button.callback_data)
        shown = [m.labels for m in self.tg.sent_to(self.id)[-3:] if m.labels]
        raise AssertionError(
            f"no inline button {label!r} in chat {self.id}; latest keyboards: {shown}"
        )

    def _send(self, **fields: Any) -> dict[str, Any]:
        chat = self.tg._chats[self.id]
        message = self.tg._add_message(chat, sender=self.to_api(), from_bot=False, **fields)
        return self.tg._enqueue({"message": message.to_api()})
