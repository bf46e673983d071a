"""A channel that records what it is asked to send, for the scheduler and broadcaster tests.

It refuses as Telegram does when told to: a chat id it does not know gets 400 "chat not
found" (the channel lets aiogram's TelegramBadRequest through), a chat that blocked or kicked
the bot gets 403 (the channel raises RecipientBlockedError), and a document can be refused
on its own (a 400 or 413 on sendDocument).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendDocument, SendMessage

from bot.channels.base import RecipientBlockedError, RetryLaterError
from handlers.events import Document, Message, Reply
from handlers.texts import plain

CHAT_NOT_FOUND = "Bad Request: chat not found"


class Crash(BaseException):
    """Stands for the process dying mid-broadcast (not an Exception: nothing catches it)."""


@dataclass
class RecordingChannel:
    """Keeps (user id, plain text) of everything sent; can block users, refuse chats or
    documents, crash, or answer 429."""

    name: str = "telegram"
    sent: list[tuple[str, str]] = field(default_factory=list)
    documents: list[tuple[str, str]] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)
    # Chat ids answered 400 with this description, as Telegram answers a chat it does not know.
    refusing: dict[str, str] = field(default_factory=dict)
    # Chat ids whose documents are refused with this description (the upload fails).
    refusing_documents: dict[str, str] = field(default_factory=dict)
    crash_after: int | None = None
    too_many: list[float] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    async def send_to(self, user_id: str, replies: list[Reply]) -> None:
        if user_id in self.blocked:
            self.refused.append(user_id)
            raise RecipientBlockedError("Forbidden: bot was blocked by the user")
        if user_id in self.refusing:
            self.refused.append(user_id)
            method = SendMessage(chat_id=user_id, text="")
            raise TelegramBadRequest(method, self.refusing[user_id])
        if self.too_many:
            raise RetryLaterError(self.too_many.pop(0))
        if self.crash_after is not None and len(self.sent) >= self.crash_after:
            raise Crash
        for r in replies:
            if isinstance(r, Message):
                self.sent.append((user_id, plain(r.text)))
            elif isinstance(r, Document):
                if user_id in self.refusing_documents:
                    self.refused.append(user_id)
                    method = SendDocument(chat_id=user_id, document="")
                    raise TelegramBadRequest(method, self.refusing_documents[user_id])
                self.documents.append((user_id, r.filename))

    def per_user(self) -> Counter[str]:
        return Counter(user for user, _ in self.sent)

    def to(self, user_id: str) -> list[str]:
        return [text for user, text in self.sent if user == user_id]
