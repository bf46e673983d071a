"""The Bot API calls behind every message and every tap, as small aiogram methods.

aiogram's SendMessage and EditMessageText carry every optional parameter of the Bot API,
their keyboards are trees of pydantic models, and the answer is validated into a whole
Message (chat, sender, entities…) that the bot never reads. An answer tap made three calls
then (acknowledge the tap, show the answer chosen, ask the next question; two now: the
question is edited into the next one); built that way they took about 200 µs of the 670 µs
a tap cost (bench/README.md, entry 17). These methods still
go through the Bot, its session and its request middlewares (retries, Telegram's errors as
aiogram's exceptions), but carry only what the bot sets, the markup as the JSON text
Telegram reads (see convert.reply_markup), and read back only the message id.
"""

from __future__ import annotations

from aiogram.enums import ParseMode
from aiogram.methods import TelegramMethod
from pydantic import BaseModel, ConfigDict


class Sent(BaseModel):
    """What the bot reads of a message it sent or edited: its id (the rest is ignored)."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    message_id: int


class SendText(TelegramMethod[Sent]):
    """sendMessage: HTML text and, optionally, a markup as JSON text; with
    allow_paid_broadcast, a paid broadcast's message (left out when None, so never sent free)."""

    __returning__ = Sent
    __api_method__ = "sendMessage"

    chat_id: int | str
    text: str
    parse_mode: str = ParseMode.HTML
    reply_markup: str | None = None
    allow_paid_broadcast: bool | None = None


class EditText(TelegramMethod[Sent | bool]):
    """editMessageText of a message the bot sent in a chat (True for inline messages)."""

    __returning__ = Sent | bool
    __api_method__ = "editMessageText"

    chat_id: int | str
    message_id: int
    text: str
    parse_mode: str = ParseMode.HTML
    reply_markup: str | None = None


class AnswerTap(TelegramMethod[bool]):
    """answerCallbackQuery: stops the button's spinner, with a short notice or none."""

    __returning__ = bool
    __api_method__ = "answerCallbackQuery"

    callback_query_id: str
    text: str | None = None
