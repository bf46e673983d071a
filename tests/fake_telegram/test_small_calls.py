"""The channel's small Bot API methods over HTTP to the fake Telegram, through aiogram's session."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError

from bot.channels.telegram.calls import AnswerTap, EditText, SendText, Sent
from bot.channels.telegram.convert import reply_markup
from handlers.events import Button, Message
from tests.fake_telegram import FakeTelegram

USER = 4242
QUESTION = Message(
    "<b>Câu 1/10</b>: chọn &amp; gửi",
    buttons=((Button("A", "a:7:K1:0:0"), Button("B", "a:7:K1:0:1")),),
)


def markup_of(m: Message, *, after_typing: bool = False) -> str | None:
    return reply_markup(m, contact_label="Gửi số điện thoại", after_typing=after_typing)


async def test_a_question_is_sent_as_html_with_its_buttons_and_its_id_read_back(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.user(USER)
    sent = await bot(SendText(chat_id=USER, text=QUESTION.text, reply_markup=markup_of(QUESTION)))

    assert isinstance(sent, Sent)
    [stored] = tg.sent_to(USER)
    assert sent.message_id == stored.message_id
    assert stored.text == "Câu 1/10: chọn & gửi"
    assert stored.entities[0]["type"] == "bold"
    assert stored.labels == ["A", "B"]
    assert [b.callback_data for b in stored.buttons] == ["a:7:K1:0:0", "a:7:K1:0:1"]
    tg.assert_no_violations()


async def test_an_edit_replaces_the_text_and_drops_the_buttons_and_an_unchanged_one_is_refused(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.user(USER)
    sent = await bot(SendText(chat_id=USER, text=QUESTION.text, reply_markup=markup_of(QUESTION)))

    edited = await bot(
        EditText(chat_id=USER, message_id=sent.message_id, text="Câu 1/10: đã chọn <b>B</b>")
    )

    assert isinstance(edited, Sent)
    assert edited.message_id == sent.message_id
    stored = tg.message(USER, sent.message_id)
    assert stored.text == "Câu 1/10: đã chọn B"
    assert stored.buttons == []
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot(
            EditText(chat_id=USER, message_id=sent.message_id, text="Câu 1/10: đã chọn <b>B</b>")
        )
    tg.assert_no_violations()


async def test_a_tap_is_answered_once_with_its_notice(tg: FakeTelegram, bot: Bot) -> None:
    an = tg.user(USER)
    await bot(SendText(chat_id=USER, text=QUESTION.text, reply_markup=markup_of(QUESTION)))
    an.tap_button("B")
    [update] = await bot.get_updates()
    assert update.callback_query is not None
    query_id = update.callback_query.id

    assert await bot(AnswerTap(callback_query_id=query_id, text="Đã ghi nhận")) is True
    assert tg.callback_answers[query_id].text == "Đã ghi nhận"
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot(AnswerTap(callback_query_id=query_id))
    tg.assert_no_violations()


async def test_the_contact_keyboard_is_shown_then_taken_away(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(USER)
    ask = Message("Số điện thoại của bạn?", ask_contact=True)
    await bot(SendText(chat_id=USER, text=ask.text, reply_markup=markup_of(ask)))
    assert tg.reply_keyboard(USER) == [["Gửi số điện thoại"]]

    after = Message("Năm sinh của bạn?")
    await bot(
        SendText(chat_id=USER, text=after.text, reply_markup=markup_of(after, after_typing=True))
    )
    assert tg.reply_keyboard(USER) == []
    tg.assert_no_violations()


async def test_a_blocked_user_is_telegrams_403_as_aiograms_error(
    tg: FakeTelegram, bot: Bot
) -> None:
    tg.user(USER)
    tg.block(USER)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot(SendText(chat_id=USER, text="Thông báo"))
