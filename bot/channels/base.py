"""What every channel offers the rest of the bot, whatever the platform."""

from __future__ import annotations

from typing import Protocol

from handlers.events import Reply


class RecipientBlockedError(Exception):
    """The user blocked the bot or can no longer be messaged."""


class RetryLaterError(Exception):
    """The platform asked to slow down (HTTP 429) and the channel's own retries ran out."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class PaidRefusedError(Exception):
    """The platform would not charge a paid broadcast's message (the bot's balance is short);
    nothing was sent, and the same message can go free."""


class MaybeSentError(Exception):
    """A paid broadcast's message got no answer from the platform (a network or server
    error): it may have gone out, and been charged."""


class Channel(Protocol):
    """A platform the bot talks on."""

    name: str

    async def send_to(self, user_id: str, replies: list[Reply]) -> None:
        """Deliver replies to a user outside an update; RecipientBlockedError when blocked."""
        ...
