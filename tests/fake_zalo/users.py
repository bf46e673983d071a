"""The users a test plays in the fake Zalo: each action queues an update, as a person's
message reaches the Bot Platform, and returns it."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fake_zalo.server import FakeZalo

EVENT_TEXT = "message.text.received"
EVENT_IMAGE = "message.image.received"
EVENT_STICKER = "message.sticker.received"
EVENT_UNSUPPORTED = "message.unsupported.received"


class FakeZaloUser:
    """A person writing to the bot in a private chat (chat id = user id)."""

    def __init__(self, zl: FakeZalo, user_id: str, display_name: str) -> None:
        self.zl = zl
        self.id = user_id
        self.display_name = display_name

    def send_text(self, text: str) -> dict[str, Any]:
        """Type a message."""
        return self._send(EVENT_TEXT, text=text)

    def send_image(self, caption: str | None = None) -> dict[str, Any]:
        """Send a photo (with a caption, if given)."""
        extra: dict[str, Any] = {"photo_url": f"https://photo.example/{secrets.token_hex(4)}.jpg"}
        if caption is not None:
            extra["caption"] = caption
        return self._send(EVENT_IMAGE, **extra)

    def send_sticker(self) -> dict[str, Any]:
        """Send a sticker."""
        sticker = secrets.token_hex(10)
        return self._send(EVENT_STICKER, sticker=sticker, url=f"https://sticker.example/{sticker}")

    def send_unsupported(self) -> dict[str, Any]:
        """Something Zalo does not pass on (a protected user's message): no content at all."""
        return self._send(EVENT_UNSUPPORTED)

    def update(self, event_name: str, **content: Any) -> dict[str, Any]:
        """An update from this user, not queued (for tests that POST it themselves)."""
        message: dict[str, Any] = {
            "from": {"id": self.id, "display_name": self.display_name, "is_bot": False},
            "chat": {"id": self.id, "chat_type": "PRIVATE"},
            "message_id": secrets.token_hex(10),
            "date": self.zl._now_ms(),
            **content,
        }
        return {"event_name": event_name, "message": message}

    def _send(self, event_name: str, **content: Any) -> dict[str, Any]:
        return self.zl.push(self.update(event_name, **content))
