"""The fake Telegram's editing methods: editMessageText, editMessageCaption,
editMessageMedia, editMessageReplyMarkup and deleteMessage, with Telegram's refusals (an
edit that changes nothing, a message that is not the bot's or is gone)."""

from __future__ import annotations

from typing import Any

from tests.fake_telegram.models import StoredMessage, UploadedFile
from tests.fake_telegram.params import inline_markup, json_param, opt_str
from tests.fake_telegram.state import Params, TelegramState
from tests.support.fake_api import ApiError

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


class EditingMixin(TelegramState):
    """Changes to the bot's own messages."""

    def _editable(self, params: Params) -> StoredMessage:
        """The bot's own message an edit names (only the bot's messages can be edited)."""
        message = self._bot_message(params, missing="message to edit not found")
        if not message.from_bot:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _edited(self, message: StoredMessage, params: Params, markup: dict[str, Any] | None) -> Any:
        """Finish an edit of text or caption: its parse mode, its buttons, when."""
        message.parse_mode = opt_str(params.get("parse_mode"))
        message.reply_markup = markup
        message.edit_date = self._now()
        self._touch()
        return message.to_api()

    def _new_markup(
        self, message: StoredMessage, params: Params, *, same_content: bool
    ) -> dict[str, Any] | None:
        """The inline keyboard an edit leaves on a message; refused, as Telegram does, when
        neither it nor the content changes."""
        # Leaving reply_markup out of an edit removes the inline keyboard.
        markup = inline_markup(json_param(params.get("reply_markup")))
        if same_content and markup == inline_markup(message.reply_markup):
            raise ApiError(400, NOT_MODIFIED)
        return markup

    async def _edit_message_text(self, params: Params) -> Any:
        message = self._editable(params)
        if message.text is None:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        text, entities, source = self._formatted(params, "text", "entities")
        same = text == message.text and entities == message.entities
        markup = self._new_markup(message, params, same_content=same)
        message.edits.append(message.text)
        message.text, message.entities, message.source = text, entities, source
        return self._edited(message, params, markup)

    async def _edit_message_reply_markup(self, params: Params) -> Any:
        message = self._editable(params)
        markup = self._new_markup(message, params, same_content=True)
        message.reply_markup = markup
        message.edit_date = self._now()
        self._touch()
        return message.to_api()

    async def _delete_message(self, params: Params) -> Any:
        message = self._bot_message(params, missing="message to delete not found")
        message.deleted = True
        self._touch()
        return True

    async def _edit_message_caption(self, params: Params) -> Any:
        message = self._editable(params)
        if message.text is not None:
            raise ApiError(400, "Bad Request: there is no caption in the message to edit")
        caption, entities, source = self._caption(params)
        same = caption == message.caption and entities == message.caption_entities
        markup = self._new_markup(message, params, same_content=same)
        message.edits.append(message.caption)
        message.caption, message.caption_entities, message.source = caption, entities, source
        return self._edited(message, params, markup)

    async def _edit_message_media(self, params: Params, attached: dict[str, UploadedFile]) -> Any:
        """A message (text, or media not in an album) becomes a photo with a new caption."""
        message = self._editable(params)
        media = json_param(params["media"])
        if media["type"] != "photo":
            self.unhandled.append(f"editMessageMedia to {media['type']}")
            raise ApiError(400, "Bad Request: the fake Telegram edits messages into photos only")
        named = str(media["media"])
        if named.startswith("attach://"):
            if named.removeprefix("attach://") not in attached:
                raise ApiError(400, "Bad Request: can't parse InputMedia: media not found")
            photo = self._photo(attached[named.removeprefix("attach://")])
        else:
            photo = self._photo(named)
        caption, entities, source = (
            self._formatted(media, "caption", "caption_entities")
            if media.get("caption") is not None
            else (None, [], None)
        )
        same = (
            message.photo is not None
            and photo.file_unique_id == message.photo.file_unique_id
            and caption == message.caption
            and entities == message.caption_entities
        )
        markup = self._new_markup(message, params, same_content=same)
        message.edits.append(message.shown)
        message.text, message.entities, message.document = None, [], None
        message.photo, message.caption, message.caption_entities = photo, caption, entities
        message.source = source
        message.parse_mode = opt_str(media.get("parse_mode"))
        message.reply_markup = markup
        message.edit_date = self._now()
        self._touch()
        return message.to_api()
