"""A channel that records what it is asked to send, for the scheduler and broadcaster tests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.channels.base import RecipientBlockedError, RetryLaterError
from handlers.events import Document, Message, Reply
from handlers.texts import plain


class Crash(BaseException):
    """Stands for the process dying mid-broadcast (not an Exception: nothing catches it)."""


@dataclass
class RecordingChannel:
    """Keeps (user id, plain text) of everything sent; can block users, crash, or answer 429."""

    name: str = "telegram"
    sent: list[tuple[str, str]] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    crash_after: int | None = None
    too_many: list[float] = field(default_factory=list)

    async def send_to(self, user_id: str, replies: list[Reply]) -> None:
        if user_id in self.blocked:
            raise RecipientBlockedError("Forbidden: bot was blocked by the user")
        if self.too_many:
            raise RetryLaterError(self.too_many.pop(0))
        if self.crash_after is not None and len(self.sent) >= self.crash_after:
            raise Crash
        for r in replies:
            if isinstance(r, Message):
                self.sent.append((user_id, plain(r.text)))
            elif isinstance(r, Document):
                self.documents.append((user_id, r.filename))

    def per_user(self) -> Counter[str]:
        return Counter(user for user, _ in self.sent)

    def to(self, user_id: str) -> list[str]:
        return [text for user, text in self.sent if user == user_id]
