"""What the fake Zalo Bot API records: calls, the bot's messages, webhook deliveries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class ApiCall:
    """One call the bot made: method, parameters and how it was answered."""

    method: str
    params: dict[str, Any]
    status: int = 0
    error_code: int | None = None
    description: str | None = None

    def __str__(self) -> str:
        shown = {
            k: (v[:40] + "…" if isinstance(v, str) and len(v) > 40 else v)
            for k, v in self.params.items()
        }
        outcome = "ok" if self.error_code is None else f"{self.error_code} {self.description}"
        return f"{self.method}({shown}) -> {outcome}"


@dataclass
class SentMessage:
    """A message the bot sent to a chat (text, photo or sticker)."""

    seq: int  # order over all chats, for wait_for_text(after=...)
    chat_id: str
    message_id: str
    date: int
    kind: str  # "text", "photo" or "sticker"
    text: str = ""
    photo: str | None = None
    sticker: str | None = None

    @property
    def shown(self) -> str:
        """What the user reads: the text, or the photo's caption."""
        return self.text


@dataclass
class WebhookDelivery:
    """One POST to the bot's webhook and its answer."""

    message_id: str | None
    status: int
    body: str
    secret: str | None = field(repr=False, default=None)
