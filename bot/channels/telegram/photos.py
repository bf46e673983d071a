"""Questions with a picture on Telegram: the photo with the question as its caption and the
buttons under it. An edit that keeps the picture edits the caption; one that shows another
picture (the next question's, in place of the question answered, text or photo) replaces
the media with editMessageMedia, so an answer still costs one message. Each picture is
uploaded once per process, then sent by the id Telegram gave it."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace

from aiogram import Bot
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageCaption, EditMessageMedia, EditMessageReplyMarkup, SendPhoto
from aiogram.types import BufferedInputFile, InlineKeyboardMarkup, InputMediaPhoto
from aiogram.types import Message as Sent

from bot.channels.telegram.convert import split_text
from handlers.events import Message
from storage.repos import Questions

log = logging.getLogger(__name__)

# A photo's caption, in characters (the text as sent, markup included: a safe upper bound).
MAX_CAPTION = 1024


class Photos:
    """Sends and edits the photo messages of questions with a picture."""

    def __init__(
        self,
        bot: Bot,
        questions: Questions,
        send_text: Callable[[int | str, str, str | None], Awaitable[None]],
    ) -> None:
        self.bot = bot
        self.questions = questions
        self.send_text = send_text
        # Telegram's id of each picture uploaded once: sent again by id, not uploaded again.
        self._ids: dict[str, str] = {}

    async def show(
        self, chat_id: int | str, m: Message, markup: str | None, target: tuple[int, int] | None
    ) -> bool:
        """A question with a picture: the photo with the text as its caption and the buttons
        under it; an edit changes the caption in place, or the photo too when the message is
        to show another picture. False when the text is left to send (or edit) as a message
        of its own: too long for a caption (the photo then goes alone, just before it), or
        the picture is gone."""
        inline = InlineKeyboardMarkup.model_validate_json(markup) if m.buttons and markup else None
        fits = len(m.text) <= MAX_CAPTION
        if target is not None:
            if target[0] != chat_id:
                return False
            if m.new_picture:
                return await self._replace(chat_id, target[1], m, markup, inline)
            if not fits:
                return await self._caption_too_long(chat_id, target[1], m, markup)
            try:
                await self.bot(
                    EditMessageCaption(
                        chat_id=chat_id,
                        message_id=target[1],
                        caption=m.text,
                        parse_mode=ParseMode.HTML,
                        reply_markup=inline,
                    )
                )
                return True
            except TelegramBadRequest as exc:
                # Sent as text after a photo of its own, or too old: edited or sent as text.
                return "not modified" in str(exc)
        photo = await self._file(m.image)
        if photo is None:
            return False
        sent = await self.bot(
            SendPhoto(
                chat_id=chat_id,
                photo=photo,
                caption=m.text if fits else None,
                parse_mode=ParseMode.HTML if fits else None,
                reply_markup=inline if fits else None,
            )
        )
        self._learn(m.image, sent)
        return fits

    async def _replace(
        self,
        chat_id: int | str,
        message_id: int,
        m: Message,
        markup: str | None,
        inline: InlineKeyboardMarkup | None,
    ) -> bool:
        """The edited message (text, or a photo of another picture) becomes this photo with
        its caption and buttons. When the text is too long for a caption, or the message can
        no longer be edited, the photo comes as a new message (the edited one losing its
        buttons when the text is too long: the new photo and text carry them)."""
        if len(m.text) > MAX_CAPTION:
            await self._unbutton(chat_id, message_id)
            if not await self.show(chat_id, replace(m, replace=None), markup, None):
                await self._send_text(chat_id, m, markup)
            return True
        photo = await self._file(m.image)
        if photo is None:
            return False
        media = InputMediaPhoto(media=photo, caption=m.text, parse_mode=ParseMode.HTML)
        try:
            edited = await self.bot(
                EditMessageMedia(
                    chat_id=chat_id, message_id=message_id, media=media, reply_markup=inline
                )
            )
        except TelegramBadRequest as exc:
            if "not modified" in str(exc):  # an answer delivered twice: already shown
                return True
            log.info("could not edit a message into a photo (%s): sending it anew", exc.message)
            return await self.show(chat_id, replace(m, replace=None), markup, None)
        self._learn(m.image, edited)
        return True

    def _learn(self, key: str, sent: Sent | bool) -> None:
        """Keep the id Telegram gave a picture just sent, to send it by id next time."""
        if isinstance(sent, Sent) and sent.photo:
            self._ids[key] = sent.photo[-1].file_id

    async def _caption_too_long(
        self, chat_id: int | str, message_id: int, m: Message, markup: str | None
    ) -> bool:
        """An edit of a photo question into a text too long for its caption (a practice answer
        with its explanation): the photo loses its buttons and the text comes as a message."""
        await self._unbutton(chat_id, message_id)
        await self._send_text(chat_id, m, markup)
        return True

    async def _unbutton(self, chat_id: int | str, message_id: int) -> None:
        """Take the buttons off a message that stays as it is (a new one carries them)."""
        try:
            await self.bot(EditMessageReplyMarkup(chat_id=chat_id, message_id=message_id))
        except TelegramBadRequest as exc:  # too old, or already without buttons: say it anyway
            log.info("could not take the buttons off a message (%s)", exc.message)

    async def _send_text(self, chat_id: int | str, m: Message, markup: str | None) -> None:
        """The text as messages of its own, the buttons under the last."""
        pieces = split_text(m.text)
        for i, piece in enumerate(pieces):
            await self.send_text(chat_id, piece, markup if i == len(pieces) - 1 else None)

    async def _file(self, key: str) -> str | BufferedInputFile | None:
        """The picture to send: Telegram's id of it once uploaded, else its bytes."""
        known = self._ids.get(key)
        if known is not None:
            return known
        stored = await self.questions.image(key)
        if stored is None:
            log.warning("picture %s of a question is not stored", key)
            return None
        return BufferedInputFile(stored[1], key)
