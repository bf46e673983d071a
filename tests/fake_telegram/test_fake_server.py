"""The fake Telegram server, driven by a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot, Dispatcher, F
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import CommandStart
from aiogram.methods import SendMessage
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import ClientSession, web
from aiohttp.typedefs import Handler

from tests.fake_telegram import BotApiSpec, FakeTelegram, Limits, SpecNotFoundError, parse_html
from tests.fake_telegram.conftest import TOKEN, make_bot

USER = 4242
JSON = {"Content-Type": "application/json"}


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    """One row of callback buttons."""
    row = [InlineKeyboardButton(text=t, callback_data=d) for t, d in pairs]
    return InlineKeyboardMarkup(inline_keyboard=[row])


# ---------------------------------------------------------------------------------------- sending


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


# ---------------------------------------------------------------------------------------- updates


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


# ---------------------------------------------------------------------------------------- methods


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


# ---------------------------------------------------------------------------------------- aiogram


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


# ---------------------------------------------------------------------------------------- webhook


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


# ---------------------------------------------------------------------------------------- spec


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
