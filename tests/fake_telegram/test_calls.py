"""The fake Telegram answering the bot's other calls as Telegram does: button answers, edits,
files, command menus, reply keyboards, failures, blocked users and flood limits."""

from __future__ import annotations

import pytest
from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
)

from tests.fake_telegram import FakeTelegram, Limits
from tests.fake_telegram.conftest import TOKEN, keyboard, make_bot

USER = 4242


async def test_answer_callback_query_twice_fails_the_second_time(
    tg: FakeTelegram, bot: Bot
) -> None:
    an = tg.user(USER)
    await bot.send_message(USER, "Câu 1", reply_markup=keyboard(("A", "ans:A"), ("B", "ans:B")))
    an.tap_button("B")
    [update] = await bot.get_updates()
    assert update.callback_query is not None
    assert update.callback_query.data == "ans:B"
    query_id = update.callback_query.id

    assert await bot.answer_callback_query(query_id, text="Đã ghi nhận") is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query("no-such-query")

    assert tg.callback_answers[query_id].text == "Đã ghi nhận"
    tg.assert_no_violations()


async def test_edits_replace_text_and_drop_an_omitted_keyboard(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(USER)
    sent = await bot.send_message(USER, "Câu 1", reply_markup=keyboard(("A", "ans:A")))

    edited = await bot.edit_message_text(
        "Câu 1: đã chọn A", chat_id=USER, message_id=sent.message_id
    )

    assert isinstance(edited, Message)
    assert edited.edit_date is not None
    stored = tg.message(USER, sent.message_id)
    assert stored.text == "Câu 1: đã chọn A"
    assert stored.edits == ["Câu 1"]
    assert stored.buttons == []  # an edit without reply_markup removes the inline keyboard
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("Câu 1: đã chọn A", chat_id=USER, message_id=sent.message_id)
    assert await bot.delete_message(USER, sent.message_id) is True
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=USER, message_id=sent.message_id)
    assert tg.sent_to(USER)[0].deleted


async def test_send_document_keeps_the_bytes_and_serves_them(tg: FakeTelegram, bot: Bot) -> None:
    an = tg.user(USER)
    data = bytes(range(256)) * 10

    sent = await bot.send_document(USER, BufferedInputFile(data, "ket-qua.xlsx"), caption="Kết quả")

    call = tg.calls("sendDocument")[0]
    assert call.content_type == "multipart/form-data"
    stored = tg.sent_to(USER)[0]
    assert stored.document is not None
    assert stored.document.data == data
    assert stored.document.filename == "ket-qua.xlsx"
    assert stored.caption == "Kết quả"
    assert sent.document is not None
    assert sent.document.file_size == len(data)
    # A user's upload can be fetched by the bot: getFile, then the file route.
    an.send_document("cau-hoi.csv", "câu;đáp án\n".encode(), "text/csv")
    [update] = await bot.get_updates()
    assert update.message is not None
    assert update.message.document is not None
    downloaded = await bot.download(update.message.document)
    assert downloaded is not None
    assert downloaded.read() == "câu;đáp án\n".encode()
    tg.assert_no_violations()


async def test_commands_menu_and_its_rules(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand(command="thi", description="Vào thi")])
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [("thi", "Vào thi")]
    assert tg.commands() == [("thi", "Vào thi")]

    with pytest.raises(TelegramBadRequest):
        await bot.set_my_commands([BotCommand(command="DangKy", description="Đăng ký")])
    assert "lowercase" in tg.violations[0]


async def test_reply_keyboard_is_tracked(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(USER)
    share = KeyboardButton(text="Gửi số điện thoại", request_contact=True)
    await bot.send_message(
        USER,
        "Số điện thoại?",
        reply_markup=ReplyKeyboardMarkup(keyboard=[[share]], resize_keyboard=True),
    )
    assert tg.reply_keyboard(USER) == [["Gửi số điện thoại"]]
    tg.assert_no_violations()


async def test_fail_next_and_blocked_users(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(USER)
    tg.fail_next("sendMessage", 502)

    with pytest.raises(TelegramServerError):
        await bot.send_message(USER, "một")
    await bot.send_message(USER, "hai")
    tg.block(USER)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(USER, "ba")

    assert [m.text for m in tg.sent_to(USER)] == ["hai"]
    tg.assert_no_violations()


async def test_flood_limit_answers_429_with_retry_after() -> None:
    async with FakeTelegram(TOKEN, limits=Limits(per_bot=2)) as tg, make_bot(tg) as bot:
        tg.user(USER)
        await bot.send_message(USER, "1")
        await bot.send_message(USER, "2")
        with pytest.raises(TelegramRetryAfter) as caught:
            await bot.send_message(USER, "3")

        assert caught.value.retry_after == 1
        assert tg.too_many == 1
        assert tg.calls("sendMessage")[-1].status == 429


async def test_wait_for_text_reports_what_was_sent(tg: FakeTelegram, bot: Bot) -> None:
    tg.user(USER)
    await bot.send_message(USER, "Chào bạn")

    assert (await tg.wait_for_text(USER, "Chào")).message_id == 1
    with pytest.raises(AssertionError, match="'Chào bạn'") as caught:
        await tg.wait_for_text(USER, "Tạm biệt", timeout=0.1)
    assert "sendMessage(chat_id='4242', text='Chào bạn') -> 200" in str(caught.value)
