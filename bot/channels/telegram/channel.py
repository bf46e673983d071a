"""The Telegram channel: an aiogram Dispatcher that feeds the engine and sends its replies."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    Update,
)
from aiogram.types import (
    Message as TgMessage,
)
from aiohttp import ClientError, ClientResponseError, TooManyRedirects

from bot.channels.base import (
    MaybeSentError,
    PaidRefusedError,
    RecipientBlockedError,
    RetryLaterError,
)
from bot.channels.gate import Gate
from bot.channels.telegram.calls import AnswerTap, EditText, SendText
from bot.channels.telegram.convert import (
    CHANNEL,
    event_of_callback,
    event_of_message,
    parse_ref,
    reply_markup,
    split_text,
    user_of,
)
from bot.channels.telegram.photos import Photos
from bot.engine import Engine
from bot.pacer import SendKind, send_kind
from handlers.events import Contact, Document, Message, Notice, Reply, Text, Upload
from handlers.texts import Texts
from storage.session import Admission, SessionStore, Verdict

log = logging.getLogger(__name__)

# The command menu, in Vietnamese (setMyCommands at start).
COMMANDS = [
    ("start", "Bắt đầu"),
    ("dangky", "Đăng ký dự thi"),
    ("thi", "Vào thi"),
    ("thithu", "Thi thử, không tính điểm"),
    ("diem", "Xem kết quả của tôi"),
    ("lichthi", "Lịch thi"),
    ("thele", "Thể lệ cuộc thi"),
    ("lienket", "Liên kết tài khoản Telegram và Zalo"),
    ("dulieu", "Dữ liệu của tôi"),
    ("xoadulieu", "Rút lại đồng ý, xoá dữ liệu của tôi"),
    ("huongdan", "Hướng dẫn"),
    ("huy", "Huỷ thao tác đang làm"),
]
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The calls that reply in a chat: when Telegram refuses one (after the retries), an apology
# to the same chat would be refused too (a 429 is per chat), so none is sent.
REPLY_METHODS = frozenset(
    {
        "sendMessage",
        "editMessageText",
        "sendDocument",
        "answerCallbackQuery",
        "sendPhoto",
        "editMessageCaption",
        "editMessageMedia",
    }
)
# What Telegram says when the bot's Stars do not cover a paid broadcast's message.
BALANCE_TOO_LOW = "BALANCE_TOO_LOW"
# What a bot may send as a document through the Bot API (Telegram refuses more with 413).
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


class TelegramChannel:
    """Feeds Telegram updates to the engine and sends the replies back."""

    name = CHANNEL

    def __init__(
        self,
        bot: Bot,
        engine: Engine,
        store: SessionStore,
        texts: Texts,
        *,
        flood_limit: int = 30,
        flood_window: int = 10,
        max_document_bytes: int = MAX_DOCUMENT_BYTES,
    ) -> None:
        self.bot = bot
        self.max_document_bytes = max_document_bytes
        self.engine = engine
        self.store = store
        self.texts = texts
        self.gate = Gate(engine, CHANNEL, flood_limit=flood_limit, flood_window=flood_window)
        self.dispatcher = self._dispatcher()
        self.photos = Photos(bot, engine.svc.questions, self.send_text)

    # ------------------------------------------------------------------ incoming

    def _dispatcher(self) -> Dispatcher:
        # The bot keeps each conversation's state in the session store, not in aiogram's FSM;
        # its middleware would only build a context per update (and keep a record per user
        # in memory) that nothing reads.
        dp = Dispatcher(disable_fsm=True)
        dp.message.register(self._on_message)
        dp.callback_query.register(self._on_callback)
        dp.errors.register(self._on_error)
        return dp

    async def _on_message(self, message: TgMessage, event_update: Update) -> None:
        event = event_of_message(message)
        if event is None:
            return
        admission = self.gate.admission(str(event_update.update_id), event.user)
        if message.document is not None:
            # Let in before downloading: a redelivered upload is not fetched again.
            if not await self.gate.admit(admission):
                await self._refused(message.chat.id, admission)
                return
            try:
                event = await self._upload(message) or event
            except CALL_FAILURES as exc:
                # The file's address holds the token: say what failed, never where.
                log.warning("could not download an uploaded file: %s", failure_reason(exc))
                name = message.document.file_name or "tep"
                await self.send_text(
                    message.chat.id, self.texts("admin.bank_download_failed", file=name)
                )
                return
        replies = await self.gate.handle(event, admission)
        if replies is None:
            await self._refused(message.chat.id, admission)
            return
        await self.deliver(message.chat.id, replies, after_typing=isinstance(event, Text | Contact))

    async def _refused(self, chat_id: int, admission: Admission) -> None:
        """The first message over the flood limit is asked to slow down; the rest, nothing."""
        if admission.first_over:
            await self.send_text(chat_id, self.texts("common.slow_down"))

    async def _upload(self, message: TgMessage) -> Upload | None:
        doc = message.document
        assert doc is not None
        assert message.from_user is not None
        user = user_of(message.from_user)
        if not self.engine.is_admin(user):
            return None
        name = doc.file_name or "tep"
        if doc.file_size is not None and doc.file_size > MAX_UPLOAD_BYTES:
            return Upload(user, name, b"", size=doc.file_size)
        buf = await self.bot.download(doc)
        data = buf.read() if buf is not None else b""
        return Upload(user, name, data, size=len(data))

    async def _on_callback(self, query: CallbackQuery, event_update: Update) -> None:
        event = event_of_callback(query)
        admission = self.gate.admission(str(event_update.update_id), event.user)
        replies = await self.gate.handle(event, admission)
        if replies is None:
            # Every tap must be answered; a redelivered one was answered the first time.
            if admission.verdict is Verdict.FLOODED:
                await self.bot(
                    AnswerTap(callback_query_id=query.id, text=self.texts("common.slow_down"))
                )
            return
        notice = next((r.text for r in replies if isinstance(r, Notice)), None)
        await self.bot(AnswerTap(callback_query_id=query.id, text=notice))
        chat_id = query.message.chat.id if query.message else query.from_user.id
        await self.deliver(chat_id, [r for r in replies if not isinstance(r, Notice)])

    async def _on_error(self, event: Any) -> bool:
        exc = event.exception
        update = getattr(event, "update", None)
        if isinstance(exc, TelegramAPIError) and exc.method.__api_method__ in REPLY_METHODS:
            log.warning(
                "update %s: Telegram refused a reply (%s: %s); nothing more is sent to that chat",
                getattr(update, "update_id", "?"),
                type(exc).__name__,
                exc.message,
            )
            return True
        log.error("update failed: %s", exc, exc_info=exc)
        chat = _chat_of(update)
        if chat is not None:
            try:
                await self.send_text(chat, self.texts("common.error"))
            except Exception:  # the apology itself failing must not take the bot down
                log.exception("could not send the apology to the user")
        return True

    # ------------------------------------------------------------------ outgoing

    async def deliver(
        self, chat_id: int | str, replies: list[Reply], *, after_typing: bool = False
    ) -> None:
        """Send the engine's replies to one chat, in order."""
        label = self.texts("register.share_contact")
        for reply in replies:
            if isinstance(reply, Message):
                await self._message(chat_id, reply, label, after_typing)
            elif isinstance(reply, Document) and len(reply.data) > self.max_document_bytes:
                # A results workbook of a very large round can pass Telegram's limit: say so
                # and where to get it, instead of a failed upload the organiser never hears of.
                log.warning("%s is %d bytes: too large to send", reply.filename, len(reply.data))
                size = f"{len(reply.data) / 1024 / 1024:.0f}"
                limit = f"{self.max_document_bytes / 1024 / 1024:.0f}"
                if reply.kept_at:
                    text = self.texts(
                        "common.file_too_large_kept",
                        filename=reply.filename,
                        size=size,
                        limit=limit,
                        path=reply.kept_at,
                    )
                else:
                    text = self.texts(
                        "common.file_too_large", filename=reply.filename, size=size, limit=limit
                    )
                await self.send_text(chat_id, text)
            elif isinstance(reply, Document):
                await self.bot.send_document(
                    chat_id,
                    BufferedInputFile(reply.data, reply.filename),
                    caption=reply.caption or None,
                    allow_paid_broadcast=_paid(),
                )
            elif isinstance(reply, Notice):
                await self.send_text(chat_id, reply.text)

    async def _message(
        self, chat_id: int | str, m: Message, label: str, after_typing: bool
    ) -> None:
        markup = reply_markup(m, contact_label=label, after_typing=after_typing)
        target = parse_ref(m.replace) if m.replace else None
        if m.image and await self.photos.show(chat_id, m, markup, target):
            await self.engine.delivered([m])
            return
        if target is not None and target[0] == chat_id and (markup is None or m.buttons):
            try:
                await self.bot(
                    EditText(
                        chat_id=chat_id,
                        message_id=target[1],
                        text=m.text,
                        reply_markup=markup if m.buttons else None,
                    )
                )
                await self.engine.delivered([m])
                return
            except TelegramBadRequest as exc:
                # Too old to edit, deleted, or unchanged: a new message says it instead.
                if "not modified" in str(exc):
                    return
                log.info("edit failed (%s): sending a new message", exc.message)
        pieces = split_text(m.text)
        for i, piece in enumerate(pieces):
            last = i == len(pieces) - 1
            await self.send_text(chat_id, piece, markup if last else None)
        await self.engine.delivered([m])

    async def send_text(self, chat_id: int | str, text: str, markup: str | None = None) -> None:
        """Send one message (HTML text within Telegram's limit; the markup as JSON text)."""
        await self.bot(
            SendText(chat_id=chat_id, text=text, reply_markup=markup, allow_paid_broadcast=_paid())
        )

    async def star_balance(self) -> float:
        """The bot's Telegram Stars (getMyStarBalance), which pay for paid broadcasts."""
        amount = await self.bot.get_my_star_balance()
        return amount.amount + (amount.nanostar_amount or 0) / 1_000_000_000

    async def set_commands(self) -> None:
        """The Vietnamese command menu."""
        await self.bot.set_my_commands([BotCommand(command=c, description=d) for c, d in COMMANDS])

    async def send_to(self, user_id: str, replies: list[Reply]) -> None:
        """Deliver replies owed to a user outside an update (sweep, announcements)."""
        try:
            chat: int | str = int(user_id) if user_id.lstrip("-").isdigit() else user_id
            await self.deliver(chat, replies)
        except TelegramForbiddenError as exc:
            raise RecipientBlockedError(str(exc)) from exc
        except TelegramRetryAfter as exc:
            raise RetryLaterError(exc.retry_after) from exc
        except TelegramBadRequest as exc:
            if send_kind() is SendKind.PAID and BALANCE_TOO_LOW in exc.message:
                raise PaidRefusedError(exc.message) from exc
            raise
        except (TelegramNetworkError, TelegramServerError) as exc:
            if send_kind() is SendKind.PAID:
                raise MaybeSentError(exc.message) from exc
            raise


def _paid() -> bool | None:
    """allow_paid_broadcast for a message sent now: True in a paid broadcast, else left out
    (None), so a free message never carries it."""
    return True if send_kind() is SendKind.PAID else None


# What a call to Telegram can raise: the Bot API's errors, and what aiohttp raises as it is
# when fetching a file (its message holds the file's address, and so the token).
CALL_FAILURES = (TelegramAPIError, ClientError, TimeoutError)


def failure_reason(exc: BaseException) -> str:
    """What a failed call to Telegram says, without the address it went to (it holds the
    token): the HTTP status, or the kind of network failure, or Telegram's own description."""
    cause = exc.__cause__ if isinstance(exc, TelegramNetworkError) and exc.__cause__ else exc
    if isinstance(cause, TooManyRedirects):
        return "too many redirects"
    if isinstance(cause, ClientResponseError):
        return f"HTTP {cause.status} {cause.message}".rstrip()
    if isinstance(cause, TelegramAPIError):
        return cause.message if isinstance(cause, TelegramNetworkError) else str(cause)
    if isinstance(cause, TimeoutError):
        return "timed out"
    reason = getattr(cause, "strerror", None) or getattr(cause, "os_error", None)
    return f"{type(cause).__name__}: {reason}" if reason else type(cause).__name__


def _chat_of(update: Update | None) -> int | None:
    if update is None:
        return None
    if update.message is not None:
        return update.message.chat.id
    if update.callback_query is not None:
        return update.callback_query.from_user.id
    return None
