"""Sending through the fake Telegram with a real aiogram Bot: what the bot sent is stored as the
user sees it, and a call Telegram would refuse is a violation answered the same way."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramUnauthorizedError
from aiogram.methods import SendMessage
from aiohttp import ClientSession

from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.conftest import TOKEN, keyboard, make_bot

USER = 4242
JSON = {"Content-Type": "application/json"}


async def test_send_message_with_inline_keyboard_is_recorded(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(USER, "An")
    markup = keyboard(("Đáp án A", "ans:A"), ("Đáp án B", "ans:B"))

    sent = await bot.send_message(
        USER, "<b>Câu 1</b>: chọn &amp; gửi", parse_mode="HTML", reply_markup=markup
    )

    assert sent.message_id == 1
    assert sent.text == "Câu 1: chọn & gửi"  # Telegram answers with the text after parsing
    assert sent.entities is not None
    assert sent.entities[0].type == "bold"
    assert sent.reply_markup is not None
    assert [b.callback_data for b in sent.reply_markup.inline_keyboard[0]] == ["ans:A", "ans:B"]
    assert sent.from_user is not None
    assert sent.from_user.id == 123456
    [stored] = tg.sent_to(USER)
    assert stored.labels == ["Đáp án A", "Đáp án B"]
    assert [b.callback_data for b in stored.buttons] == ["ans:A", "ans:B"]
    assert stored.source == "<b>Câu 1</b>: chọn &amp; gửi"
    call = tg.calls("sendMessage")[0]
    # aiogram posts a urlencoded form when there is no file, nested objects as JSON strings.
    assert call.content_type == "application/x-www-form-urlencoded"
    assert isinstance(call.params["reply_markup"], str)
    assert call.params["chat_id"] == str(USER)
    tg.assert_no_violations()


@pytest.mark.parametrize(
    ("kwargs", "detail"),
    [
        pytest.param(
            # 64 characters but 65 bytes: the limit counts UTF-8 bytes.
            {"text": "Câu hỏi", "reply_markup": keyboard(("A", "x" * 63 + "ă"))},
            "callback_data: must be 1-64 bytes, got 65",
            id="callback-data-65-bytes",
        ),
        pytest.param(
            {"text": "x", "colour": "red"}, "unknown parameter 'colour'", id="unknown-param"
        ),
        pytest.param({"text": "x" * 4097}, "got 4097", id="text-4097"),
        pytest.param(
            {"text": "<b>đậm</i>", "parse_mode": "HTML"}, "unmatched end tag", id="bad-html-nesting"
        ),
        pytest.param({"text": "A & B", "parse_mode": "HTML"}, "unescaped '&'", id="bare-ampersand"),
        pytest.param(
            {"text": "<div>x</div>", "parse_mode": "HTML"}, 'unsupported start tag "div"', id="tag"
        ),
    ],
)
async def test_bad_calls_are_violations_and_400(
    tg: FakeTelegram, bot: Bot, kwargs: dict[str, Any], detail: str
) -> None:
    tg.user(USER)

    with pytest.raises(TelegramBadRequest, match="Bad Request"):
        await bot(SendMessage(chat_id=USER, **kwargs))

    assert len(tg.violations) == 1
    assert tg.violations[0].startswith("sendMessage: ")
    assert detail in tg.violations[0]
    assert tg.sent_to(USER) == []
    with pytest.raises(AssertionError, match="1 Bot API violation"):
        tg.assert_no_violations()


async def test_length_counts_visible_text_after_html_parsing(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(USER)
    text = "<b>" + "x" * 4096 + "</b>"  # 4103 characters sent, 4096 shown

    await bot.send_message(USER, text, parse_mode="HTML")

    tg.assert_no_violations()


async def test_wrong_token_is_401(tg: FakeTelegram) -> None:
    async with make_bot(tg, token="999:WRONG") as stranger:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()


async def test_plain_http_clients_json_get_and_any_case(tg: FakeTelegram) -> None:
    tg.user(USER)
    api = f"{tg.base_url}/bot{TOKEN}"
    async with ClientSession() as http:
        async with http.post(f"{api}/SENDMESSAGE", json={"chat_id": USER, "text": "JSON"}) as resp:
            assert resp.status == 200
            assert (await resp.json())["result"]["text"] == "JSON"
        async with http.get(f"{api}/getMe") as resp:
            assert (await resp.json())["result"]["username"] == "fake_quiz_bot"
        async with http.post(f"{api}/sendMesage", data={"chat_id": "1"}) as resp:
            assert resp.status == 404
            assert (await resp.json())["description"] == "Not Found"
        async with http.post(f"{api}/getUpdates", data=b"{", headers=JSON) as resp:
            assert resp.status == 400
    assert [r.method for r in tg.requests][:2] == ["sendMessage", "getMe"]
    assert tg.violations == [
        "sendMesage: unknown method",
        "getUpdates: the body is not a JSON object",
    ]


async def test_sends_to_unknown_chat_fail_like_telegram(tg: FakeTelegram, bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(777, "hello")
    tg.assert_no_violations()  # a runtime error, not a malformed call
