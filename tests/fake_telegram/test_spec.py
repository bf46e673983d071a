"""The Bot API spec checker: unknown methods and parameters, nested markup, per-method rules,
HTML parsing, and methods the fake does not implement."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram import Bot

from tests.fake_telegram import BotApiSpec, FakeTelegram, SpecNotFoundError, parse_html


def test_spec_flags_unknown_methods_and_missing_parameters() -> None:
    spec = BotApiSpec.load()

    assert spec.check("sendMesage", {"chat_id": 1, "text": "x"}) == ["sendMesage: unknown method"]
    assert spec.check("sendMessage", {"chat_id": 1}) == [
        "sendMessage: missing required parameter 'text'"
    ]
    # Names match whatever their case; the report uses the name as called.
    assert spec.check("SENDMESSAGE", {"text": "x"}) == [
        "SENDMESSAGE: missing required parameter 'chat_id'"
    ]
    assert spec.check("sendMessage", {"chat_id": "@channel", "text": "x"}) == []
    assert spec.check("getUpdates", {"offset": "12", "timeout": "x"}) == [
        "getUpdates: timeout: expected Integer, got 'x'"
    ]


def test_spec_checks_nested_markup_and_per_method_rules() -> None:
    spec = BotApiSpec.load()
    two_actions = (
        '{"inline_keyboard": [[{"text": "A", "callback_data": "a", "url": "https://x.vn"}]]}'
    )

    [problem] = spec.check("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": two_actions})
    assert "exactly one action" in problem
    assert spec.check("sendMessage", {"chat_id": 1, "text": "x", "reply_markup": "{not json"}) != []
    assert spec.check("answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 201}) != []
    assert spec.check("sendDocument", {"chat_id": 1, "document": "attach://gone"}) == [
        "sendDocument: document: attach://gone names no uploaded file part"
    ]
    assert spec.check("sendDocument", {"chat_id": 1, "document": "x", "caption": "c" * 1025}) != []
    assert spec.check("editMessageText", {"text": "x"}) == [
        "editMessageText: give either inline_message_id, or chat_id and message_id"
    ]


def test_html_parsing_gives_text_and_utf16_entities() -> None:
    parsed = parse_html(
        '😀 <b>đậm <i>nghiêng</i></b> <a href="https://a.vn/?x=1&y=2">link</a> &lt;3'
    )

    assert parsed.error is None
    assert parsed.text == "😀 đậm nghiêng link <3"
    assert parsed.entities[0] == {"type": "bold", "offset": 3, "length": 11}  # 😀 is 2 UTF-16 units
    assert {
        "type": "text_link",
        "offset": 15,
        "length": 4,
        "url": "https://a.vn/?x=1&y=2",
    } in parsed.entities
    assert parse_html("<b>x").error is not None
    assert parse_html('<span class="other">x</span>').error is not None
    assert parse_html("&nbsp;").error is not None


def test_missing_spec_file_says_where_it_belongs(tmp_path: Path) -> None:
    with pytest.raises(SpecNotFoundError, match="beside the repository"):
        BotApiSpec.load(tmp_path / "api.json")


async def test_unknown_but_valid_methods_answer_true(tg: FakeTelegram, bot: Bot) -> None:
    assert await bot.set_my_description("Cuộc thi chuyển đổi số") is True
    assert tg.unhandled == ["setMyDescription"]
    tg.assert_no_violations()
