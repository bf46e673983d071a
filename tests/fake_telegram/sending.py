"""The fake Telegram's sending methods: sendMessage, sendDocument, sendPhoto, sendChatAction,
and the files the bot sent or reads back (getFile and the file server)."""

from __future__ import annotations

import mimetypes
from typing import Any

from aiohttp import web

from tests.fake_telegram.models import StoredMessage, UploadedFile
from tests.fake_telegram.params import json_param, nonempty_markup, opt_str, str_param
from tests.fake_telegram.state import STATUS_TEXT, Chat, Params, TelegramState, track_keyboard
from tests.support.fake_api import ApiError

MAX_DOWNLOAD = 20 * 1024 * 1024  # what getFile lets a bot download


class SendingMixin(TelegramState):
    """New messages from the bot, and the files it sends and downloads."""

    async def _send_message(self, params: Params) -> Any:
        chat = self._chat_of(params)
        reply_to = self._reply_target(chat, params)
        text, entities, source = self._formatted(params, "text", "entities")
        return self._sent(
            chat, params, "sendMessage", reply_to, text=text, entities=entities, source=source
        )

    async def _send_document(self, params: Params) -> Any:
        chat = self._chat_of(params)
        reply_to = self._reply_target(chat, params)
        document = params["document"]
        if isinstance(document, UploadedFile):
            mime = mimetypes.guess_type(document.filename or "")[0] or document.content_type
            stored = self._store_file(document.data, document.filename, mime)
        elif document in self.files:
            stored = self.files[document]
        elif str(document).startswith(("http://", "https://")):
            raise ApiError(400, "Bad Request: failed to get HTTP URL content")  # no network here
        else:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        caption = self._caption_fields(params)
        return self._sent(chat, params, "sendDocument", reply_to, document=stored, **caption)

    async def _send_photo(self, params: Params) -> Any:
        chat = self._chat_of(params)
        reply_to = self._reply_target(chat, params)
        stored = self._photo(params["photo"])
        caption = self._caption_fields(params)
        return self._sent(chat, params, "sendPhoto", reply_to, photo=stored, **caption)

    def _caption_fields(self, params: Params) -> dict[str, Any]:
        """The caption of a document or photo the bot sends, as the message keeps it."""
        caption, entities, source = self._caption(params)
        return {"caption": caption or None, "caption_entities": entities, "source": source}

    def _sent(
        self,
        chat: Chat,
        params: Params,
        method: str,
        reply_to: StoredMessage | None,
        **content: Any,
    ) -> Any:
        """Store a message the bot sent, with its parse mode and buttons; the Message object."""
        markup = json_param(params.get("reply_markup"))
        message = self._add_message(
            chat,
            sender=self.bot_user,
            from_bot=True,
            method=method,
            parse_mode=opt_str(params.get("parse_mode")),
            reply_markup=nonempty_markup(markup),
            reply_to=reply_to,
            **content,
        )
        track_keyboard(chat, markup)
        return message.to_api()

    async def _send_chat_action(self, params: Params) -> Any:
        self._chat_of(params)
        return True

    async def _get_file(self, params: Params) -> Any:
        stored = self.files.get(str_param(params["file_id"]))
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if stored.size > MAX_DOWNLOAD:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    async def _on_file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response(ApiError(401, "Unauthorized").body(), status=401)
        path = request.match_info["path"]
        stored = next((f for f in self.files.values() if f.file_path == path), None)
        if stored is None:
            return web.json_response(ApiError(404, "Not Found").body(), status=404)
        if self._download_failures:
            status = self._download_failures.popleft()
            self._touch()
            return web.Response(status=status, text=STATUS_TEXT.get(status, "Error"))
        self.downloads.append(path)
        self._touch()
        return web.Response(body=stored.data, content_type="application/octet-stream")
