"""editMessageMedia on the fake Telegram, as Telegram answers it: the bot's text or photo
becomes a photo (uploaded in the same multipart request, named by attach:// inside the media's
JSON, or sent by the id of a photo Telegram holds), with its new caption and buttons; what
Telegram refuses is refused with its words, and a malformed call is a violation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramRetryAfter
from aiogram.methods import EditMessageMedia, SendMessage, SendPhoto
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputMediaPhoto,
)
from aiohttp import ClientSession, FormData

from tests.fake_telegram import FakeTelegram, Limits
from tests.fake_telegram.conftest import TOKEN, make_bot

USER = 4242
MAP = b"\x89PNG\r\n\x1a\n" + b"\x01" * 60
ICON = b"\xff\xd8\xff\xe0" + b"\x02" * 60
BUTTONS = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text=x, callback_data=f"a:7:K1:1:{i}") for i, x in enumerate("AB")]
    ]
)


def photo(data: bytes, caption: str, name: str = "anh.png") -> InputMediaPhoto:
    return InputMediaPhoto(media=BufferedInputFile(data, name), caption=caption, parse_mode="HTML")


async def test_a_text_question_becomes_a_photo_with_its_caption_and_buttons(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.user(USER)
    sent = await bot(SendMessage(chat_id=USER, text="<b>Câu 1/10</b>: văn bản", parse_mode="HTML"))

    edited = await bot(
        EditMessageMedia(
            chat_id=USER,
            message_id=sent.message_id,
            media=photo(MAP, "✓ Câu 1: đã ghi nhận <b>A</b>\n\n<b>Câu 2/10</b>: ảnh"),
            reply_markup=BUTTONS,
        )
    )

    assert not isinstance(edited, bool)
    assert edited.message_id == sent.message_id
    assert edited.photo is not None
    assert edited.caption == "✓ Câu 1: đã ghi nhận A\n\nCâu 2/10: ảnh"
    stored = tg.message(USER, sent.message_id)
    assert stored.text is None
    assert stored.photo is not None
    assert stored.photo.data == MAP
    assert stored.caption == "✓ Câu 1: đã ghi nhận A\n\nCâu 2/10: ảnh"
    assert [e["type"] for e in stored.caption_entities] == ["bold", "bold"]
    assert stored.labels == ["A", "B"]
    assert stored.edits == ["Câu 1/10: văn bản"]
    (request,) = tg.calls("editMessageMedia")
    assert request.content_type == "multipart/form-data"
    assert json.loads(request.params["media"])["media"].startswith("attach://")
    tg.assert_no_violations()


async def test_a_photo_takes_another_picture_by_its_id_and_the_same_again_is_not_modified(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.user(USER)
    first = await bot(SendPhoto(chat_id=USER, photo=BufferedInputFile(MAP, "ban-do.png")))
    other = await bot(SendPhoto(chat_id=USER, photo=BufferedInputFile(ICON, "bieu-tuong.jpg")))
    assert first.photo is not None
    assert other.photo is not None
    by_id = InputMediaPhoto(media=other.photo[-1].file_id, caption="Câu 3/10")

    await bot(EditMessageMedia(chat_id=USER, message_id=first.message_id, media=by_id))

    stored = tg.message(USER, first.message_id)
    assert stored.photo is not None
    assert stored.photo.data == ICON
    assert stored.caption == "Câu 3/10"
    assert stored.labels == []  # left out of the edit, the buttons are gone
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot(EditMessageMedia(chat_id=USER, message_id=first.message_id, media=by_id))
    tg.assert_no_violations()


@pytest.mark.parametrize(
    ("target", "media", "error"),
    [
        pytest.param("missing", photo(MAP, "x"), "message to edit not found", id="not-found"),
        pytest.param("user's", photo(MAP, "x"), "message can't be edited", id="not-the-bot's"),
        pytest.param(
            "bot's", photo(b"GIF89a" + b"\x00" * 40, "x"), "IMAGE_PROCESS_FAILED", id="gif"
        ),
        pytest.param(
            "bot's",
            InputMediaPhoto(media="AgACAgIAAxkBAAnoSuchFile"),
            "wrong file identifier/HTTP URL specified",
            id="unknown-id",
        ),
    ],
)
async def test_telegram_refuses_what_it_cannot_edit(
    tg: FakeTelegram, bot: Bot, target: str, media: InputMediaPhoto, error: str
) -> None:
    user = tg.user(USER)
    mine = await bot(SendMessage(chat_id=USER, text="Câu 1/10"))
    theirs = user.send_text("B")["message"]["message_id"]
    message_id = {"missing": 999, "user's": theirs, "bot's": mine.message_id}[target]

    with pytest.raises(TelegramBadRequest, match=error):
        await bot(EditMessageMedia(chat_id=USER, message_id=message_id, media=media))

    assert tg.message(USER, mine.message_id).text == "Câu 1/10"
    tg.assert_no_violations()  # refused as Telegram would, not malformed


async def _post(tg: FakeTelegram, data: dict[str, Any] | FormData) -> tuple[int, str]:
    async with ClientSession() as http:
        url = f"{tg.base_url}/bot{TOKEN}/editMessageMedia"
        kwargs: dict[str, Any] = {"data": data} if isinstance(data, FormData) else {"json": data}
        async with http.post(url, **kwargs) as resp:
            return resp.status, (await resp.json())["description"]


async def test_an_attach_reference_without_its_file_part_is_refused(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.user(USER)
    sent = await bot(SendMessage(chat_id=USER, text="Câu 1/10"))
    form = FormData()
    form.add_field("chat_id", str(USER))
    form.add_field("message_id", str(sent.message_id))
    form.add_field("media", json.dumps({"type": "photo", "media": "attach://anh"}))

    assert await _post(tg, form) == (400, "Bad Request: can't parse InputMedia: media not found")
    assert tg.message(USER, sent.message_id).text == "Câu 1/10"


@pytest.mark.parametrize(
    ("media", "detail"),
    [
        pytest.param({"type": "photo"}, "missing required field 'media'", id="no-media"),
        pytest.param(
            {"type": "photo", "media": "x", "caption": "y" * 1025},
            "media.caption: must be 0-1024 characters after entity parsing, got 1025",
            id="caption-1025",
        ),
        pytest.param(
            {"type": "photo", "media": "x", "caption": "<b>Câu 2", "parse_mode": "HTML"},
            "media.caption: can't parse entities",
            id="bad-html",
        ),
        pytest.param("ảnh.png", "expected a JSON object", id="not-json"),
        pytest.param(None, "missing required parameter 'media'", id="missing"),
    ],
)
async def test_a_malformed_edit_is_a_violation_and_400(
    tg: FakeTelegram, bot: Bot, media: Any, detail: str
) -> None:
    tg.user(USER)
    sent = await bot(SendMessage(chat_id=USER, text="Câu 1/10"))
    call: dict[str, Any] = {"chat_id": USER, "message_id": sent.message_id}
    if media is not None:
        call["media"] = media if isinstance(media, str) else json.dumps(media)

    status, description = await _post(tg, call)

    assert status == 400
    assert description.startswith("Bad Request: ")
    (violation,) = tg.violations
    assert violation.startswith("editMessageMedia: ")
    assert detail in violation
    assert tg.message(USER, sent.message_id).text == "Câu 1/10"


async def test_media_edits_count_toward_the_flood_limits() -> None:
    async with FakeTelegram(TOKEN, limits=Limits()) as tg, make_bot(tg) as bot:
        tg.user(USER)
        sent = await bot(SendMessage(chat_id=USER, text="Câu 1/10"))
        await bot(EditMessageMedia(chat_id=USER, message_id=sent.message_id, media=photo(MAP, "2")))
        await bot(
            EditMessageMedia(chat_id=USER, message_id=sent.message_id, media=photo(ICON, "3"))
        )
        # A burst of three to one chat has gone by: the fourth message waits.
        with pytest.raises(TelegramRetryAfter):
            await bot(
                EditMessageMedia(chat_id=USER, message_id=sent.message_id, media=photo(MAP, "4"))
            )
        assert tg.message(USER, sent.message_id).caption == "3"
        tg.assert_no_violations()
