"""What the fake Telegram records: calls, messages, files, webhook deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class UploadedFile:
    """A multipart file part of a request (an InputFile)."""

    filename: str | None
    data: bytes
    content_type: str | None = None


@dataclass
class StoredFile:
    """A file Telegram holds: uploaded by the bot or sent by a user; getFile serves it."""

    file_id: str
    file_unique_id: str
    file_path: str
    filename: str | None
    data: bytes
    mime_type: str | None

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)

    def to_photo_size(self) -> dict[str, Any]:
        """The PhotoSize of this file as a photo (one size: the fake does not resize)."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": 640,
            "height": 480,
            "file_size": self.size,
        }

    def to_document(self) -> dict[str, Any]:
        """The Document object for this file."""
        doc: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
        }
        if self.filename is not None:
            doc["file_name"] = self.filename
        if self.mime_type is not None:
            doc["mime_type"] = self.mime_type
        return doc


@dataclass(frozen=True)
class Button:
    """One inline keyboard button: its label and what it does."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass
class StoredMessage:
    """A message in a chat, from the bot or from a user, as it stands now (after any edits)."""

    chat_id: int
    message_id: int
    date: int
    chat: dict[str, Any]
    sender: dict[str, Any]
    from_bot: bool
    method: str = "user"  # the Bot API method that made it, or "user"
    text: str | None = None  # as shown to the user: after entity parsing
    entities: list[dict[str, Any]] = field(default_factory=list)
    caption: str | None = None
    caption_entities: list[dict[str, Any]] = field(default_factory=list)
    source: str | None = (
        None  # the text or caption exactly as the bot sent it (e.g. with HTML tags)
    )
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None  # as sent: inline or reply keyboard, removal...
    document: StoredFile | None = None
    photo: StoredFile | None = None  # the picture a photo message shows (sent, or edited in)
    reply_to: StoredMessage | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # other Message fields: contact, sticker...
    edit_date: int | None = None
    edits: list[str | None] = field(default_factory=list)  # earlier texts or captions, oldest first
    deleted: bool = False

    @property
    def button_rows(self) -> list[list[Button]]:
        """The inline keyboard, row by row (empty without one)."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            [Button(b.get("text", ""), b.get("callback_data"), b.get("url")) for b in row]
            for row in rows
        ]

    @property
    def buttons(self) -> list[Button]:
        """The inline buttons, row after row."""
        return [b for row in self.button_rows for b in row]

    @property
    def labels(self) -> list[str]:
        """The inline buttons' labels, row after row."""
        return [b.text for b in self.buttons]

    @property
    def keyboard(self) -> list[list[str]]:
        """The reply keyboard's labels, row by row (empty without one)."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [[b if isinstance(b, str) else b.get("text", "") for b in row] for row in rows]

    @property
    def shown(self) -> str:
        """Text or caption, whichever the message has ('' if neither)."""
        return self.text if self.text is not None else self.caption or ""

    def to_api(self, *, with_reply: bool = True) -> dict[str, Any]:
        """The Message object as the Bot API returns it."""
        msg: dict[str, Any] = {
            "message_id": self.message_id,
            "from": self.sender,
            "chat": self.chat,
            "date": self.date,
        }
        if self.edit_date is not None:
            msg["edit_date"] = self.edit_date
        if with_reply and self.reply_to is not None:
            # Telegram does not nest replies further than one level.
            msg["reply_to_message"] = self.reply_to.to_api(with_reply=False)
        if self.text is not None:
            msg["text"] = self.text
            if self.entities:
                msg["entities"] = self.entities
        if self.document is not None:
            msg["document"] = self.document.to_document()
        if self.photo is not None:
            msg["photo"] = [self.photo.to_photo_size()]
        if self.caption is not None:
            msg["caption"] = self.caption
            if self.caption_entities:
                msg["caption_entities"] = self.caption_entities
        if self.reply_markup and "inline_keyboard" in self.reply_markup:
            # Messages carry only inline keyboards; reply keyboards live in the client.
            msg["reply_markup"] = self.reply_markup
        msg.update(self.extra)
        return msg


@dataclass
class ApiRequest:
    """One Bot API call the bot made, and how the fake answered it."""

    method: str  # the documented spelling when the method is known
    params: dict[str, Any]
    time: float  # time.monotonic() when it arrived
    http_method: str = "POST"  # or GET, or WEBHOOK-REPLY for a call made in a webhook's answer
    content_type: str = ""
    status: int | None = None  # None while a long poll is still waiting
    result: Any = None
    description: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.status == 200

    def __str__(self) -> str:
        args = ", ".join(f"{k}={_short(v)}" for k, v in self.params.items())
        answer = "pending" if self.status is None else str(self.status)
        if self.description:
            answer += f" {self.description}"
        return f"{self.method}({args}) -> {answer}"


@dataclass(frozen=True)
class CallbackAnswer:
    """The bot's answer to a callback query."""

    query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None


@dataclass(frozen=True)
class WebhookDelivery:
    """One POST of an update to the bot's webhook, and the bot's HTTP answer."""

    update_id: int | None
    status: int
    body: str
    secret: str | None


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, UploadedFile) else f"<file {value.filename}>"
    return text if len(text) <= 80 else text[:77] + "..."
