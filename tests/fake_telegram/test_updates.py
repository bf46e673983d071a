"""Updates reaching the bot from the fake Telegram: getUpdates with its offset and long poll, the
update types asked for, replays, and delivery to a webhook with its secret."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import TelegramConflictError
from aiogram.filters import CommandStart
from aiogram.methods import SendMessage
from aiogram.types import CallbackQuery, Message, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from aiohttp.typedefs import Handler

from tests.fake_telegram import BotApiSpec, FakeTelegram
from tests.fake_telegram.conftest import keyboard

USER = 4242


async def test_get_updates_returns_queued_updates_and_confirms_by_offset(
    tg: FakeTelegram, bot: Bot
) -> None:
    an = tg.user(USER, "An")
    an.send_text("/start ref_abc")
    an.send_contact("+84901234567")

    updates = await bot.get_updates()

    assert [u.update_id for u in updates] == [1, 2]
    start, contact = updates[0].message, updates[1].message
    assert start is not None
    assert start.text == "/start ref_abc"
    assert start.entities is not None
    assert start.entities[0].type == "bot_command"
    assert start.entities[0].length == len("/start")
    assert contact is not None
    assert contact.contact is not None
    assert contact.contact.user_id == USER
    # Unconfirmed updates come again; a higher offset confirms and drops them.
    assert len(await bot.get_updates()) == 2
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == []
    assert tg.pending_updates == []
    tg.assert_no_violations()


async def test_long_poll_returns_early_when_an_update_arrives(tg: FakeTelegram, bot: Bot) -> None:
    an = tg.user(USER)
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await tg.wait_for(lambda: tg.calls("getUpdates"))

    an.send_text("xin chào")
    updates = await poll

    assert time.monotonic() - started < 1
    assert [u.message.text for u in updates if u.message] == ["xin chào"]


async def test_allowed_updates_filter_and_persist(tg: FakeTelegram, bot: Bot) -> None:
    an = tg.user(USER)
    await bot.send_message(USER, "Câu 1", reply_markup=keyboard(("A", "ans:A")))
    an.tap_button("A")
    an.send_text("một")

    updates = await bot.get_updates(allowed_updates=["message"])

    assert [u.message.text for u in updates if u.message] == ["một"]
    assert tg.calls("getUpdates")[0].params["allowed_updates"] == '["message"]'
    an.tap_button("A")
    assert await bot.get_updates(offset=updates[-1].update_id + 1) == []  # the setting persists


async def test_get_updates_with_a_webhook_is_a_conflict(tg: FakeTelegram, bot: Bot) -> None:
    await bot.set_webhook("http://127.0.0.1:9/hook")

    with pytest.raises(TelegramConflictError, match="webhook is active"):
        await bot.get_updates()

    await bot.delete_webhook()
    assert await bot.get_updates() == []


async def test_replay_delivers_an_update_again(tg: FakeTelegram, bot: Bot) -> None:
    update = tg.user(USER).send_text("một")
    first = await bot.get_updates()
    assert await bot.get_updates(offset=first[-1].update_id + 1) == []

    tg.replay(update["update_id"])

    again = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.update_id for u in again] == [update["update_id"]]
    assert await bot.get_updates(offset=first[-1].update_id + 1) == []


async def test_simulated_updates_have_telegram_shapes(tg: FakeTelegram, bot: Bot) -> None:
    an = tg.user(USER, "An", username="an_nguyen", language_code="vi")
    await bot.send_message(USER, "Chọn", reply_markup=keyboard(("A", "ans:A")))
    made = [
        an.send_text("/thi"),
        an.send_contact("+84900000000", own=False),
        an.send_document("ds.xlsx", b"PK\x03\x04", caption="Danh sách"),
        an.send_sticker(),
        an.tap_button("A"),
    ]
    spec = BotApiSpec.load()
    for raw in made:
        assert spec.check_object("Update", raw) == []
        Update.model_validate(raw)  # aiogram accepts it
    query = made[-1]["callback_query"]
    assert query["data"] == "ans:A"
    assert query["message"]["message_id"] == 1
    assert made[1]["message"]["contact"]["user_id"] != USER
    assert made[2]["message"]["document"]["mime_type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    with pytest.raises(AssertionError, match="no inline button 'Z'"):
        an.tap_button("Z")


async def test_a_polling_dispatcher_holds_a_conversation(tg: FakeTelegram, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(
            "Chào <b>bạn</b>", parse_mode="HTML", reply_markup=keyboard(("Thi", "go"))
        )

    @dp.callback_query(F.data == "go")
    async def go(query: CallbackQuery) -> None:
        await query.answer("Bắt đầu")
        assert isinstance(query.message, Message)
        await query.message.edit_text("Câu 1")

    polling = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False, polling_timeout=10)
    )
    try:
        an = tg.user(USER, "An")
        an.send_text("/start")
        greeting = await tg.wait_for_text(USER, "Chào bạn")
        an.tap_button("Thi")
        await tg.wait_for_text(USER, "Câu 1")
    finally:
        await dp.stop_polling()
        await polling

    assert greeting.labels == []  # edited in place: the keyboard went with the old text
    assert [a.text for a in tg.callback_answers.values()] == ["Bắt đầu"]
    assert tg.calls("getUpdates")[0].params["allowed_updates"] == '["callback_query", "message"]'
    tg.assert_no_violations()


async def test_webhook_delivery_carries_the_secret_and_runs_the_reply(
    tg: FakeTelegram, bot: Bot
) -> None:
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> SendMessage:
        # Returned, not awaited: aiogram puts the call in its webhook answer.
        return message.answer(f"echo: {message.text}")

    headers: list[str | None] = []

    @web.middleware
    async def capture(request: web.Request, handler: Handler) -> web.StreamResponse:
        headers.append(request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        return await handler(request)

    app = web.Application(middlewares=[capture])
    SimpleRequestHandler(
        dp, bot, secret_token="s3cret-Token_1", handle_in_background=False
    ).register(app, path="/hook")
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        an = tg.user(USER)
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook", secret_token="s3cret-Token_1")
        update = an.send_text("xin chào")

        [delivery] = await tg.deliver()

        assert delivery.status == 200
        assert headers == ["s3cret-Token_1"]
        assert delivery.secret == "s3cret-Token_1"
        reply = await tg.wait_for_text(USER, "echo: xin chào")
        assert tg.calls("sendMessage")[0].http_method == "WEBHOOK-REPLY"
        assert reply.text == "echo: xin chào"
        assert (await tg.post_to_webhook(update, secret="wrong")).status == 401
        assert (await tg.post_to_webhook(update)).status == 401
        info = await bot.get_webhook_info()
        assert info.url.endswith("/hook")
        assert info.pending_update_count == 0
        tg.assert_no_violations()
    finally:
        await runner.cleanup()
