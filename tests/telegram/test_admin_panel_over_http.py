"""/admin through the fake Telegram server over HTTP: steps edit the panel, actions happen once.

The bot's Telegram channel runs in this process (the whole bot on SQLite, the in-process store
and the settable clock), polling the fake Telegram server as it polls api.telegram.org. Two
taps the organiser makes on one button at once are queued together, come back in one
getUpdates answer and are handled at the same time, as a double tap on a phone is.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import openpyxl
import pytest
from aiogram.types import TelegramObject, Update

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.session import make_bot
from bot.pacer import Pacer
from tests.fake_telegram import FakeTelegram, FakeUser, StoredMessage
from tests.support.banks import use_own_bank
from tests.support.client import Person
from tests.telegram.process import TOKEN
from tests.telegram.scripted import ADMIN, admin_says, admin_taps, new_bank, said

ALREADY = "Thao tác này đã được thực hiện."
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Handled:
    """A dispatcher middleware counting, per update id, the handlings that are over."""

    def __init__(self) -> None:
        self.times: Counter[int] = Counter()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        try:
            return await handler(event, data)
        finally:
            assert isinstance(event, Update)
            self.times[event.update_id] += 1


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as server:
        yield server


@pytest.fixture
async def handled(app: App, tg: FakeTelegram) -> AsyncIterator[Handled]:
    """The bot polling the fake server, with the organiser ADMIN; what it has handled."""
    app.svc.admins = frozenset({f"telegram:{ADMIN}"})
    pacer = Pacer(app.store.redis, app.store.keys.prefix, "telegram")
    bot = make_bot(tg.token, tg.base_url, pacer=pacer)
    channel = TelegramChannel(bot, app.engine, app.store, app.svc.texts, flood_limit=1000)
    seen = Handled()
    channel.dispatcher.update.outer_middleware(seen)
    polling = asyncio.create_task(
        channel.dispatcher.start_polling(
            bot,
            handle_signals=False,
            close_bot_session=False,
            allowed_updates=["callback_query", "message"],
        )
    )
    try:
        yield seen
    finally:
        try:
            await channel.dispatcher.stop_polling()
        except RuntimeError:  # polling had not started
            polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await polling
        await bot.session.close()
    tg.assert_no_violations()


@pytest.fixture
def organiser(tg: FakeTelegram, handled: Handled) -> FakeUser:
    return tg.user(ADMIN, "Ban Tổ chức")


async def double_tap(
    tg: FakeTelegram, handled: Handled, user: FakeUser, message: StoredMessage, label: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Two taps on one button at once; returns once both are handled."""
    (data,) = [b.callback_data for b in message.buttons if b.text == label]
    assert data is not None
    taps = user.tap(message.message_id, data), user.tap(message.message_id, data)
    await tg.wait_for(lambda: all(handled.times[t["update_id"]] for t in taps))
    return taps


def acknowledgements(tg: FakeTelegram, *taps: dict[str, Any]) -> list[str | None]:
    return [tg.callback_answers[t["callback_query"]["id"]].text for t in taps]


async def test_tapping_send_twice_sends_one_announcement(
    app: App, tg: FakeTelegram, handled: Handled, organiser: FakeUser
) -> None:
    for uid, name in ((1001, "An"), (1002, "Bình")):
        tg.user(uid, name)
        await Person.on(app, "telegram", str(uid), name).register(phone=f"09120010{uid % 100:02d}")
    text = "Lễ trao giải Quý 1 tổ chức sáng thứ Bảy tại Hội trường Sở."
    await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    await admin_taps(tg, said("admin.button_broadcast"), said("admin.broadcast_ask"))
    preview = await admin_says(tg, text, "Xem trước")
    before = len(tg.sent_to(ADMIN))

    taps = await double_tap(tg, handled, organiser, preview, "✅ Gửi")
    # Telegram delivering the first tap once more changes nothing either.
    tg.replay(taps[0]["update_id"])
    await tg.wait_for(lambda: handled.times[taps[0]["update_id"]] == 2)

    assert sorted(acknowledgements(tg, *taps), key=str) == [None, ALREADY]
    shown = tg.message(ADMIN, preview.message_id)
    (broadcast,) = [b for b in await app.svc.broadcasts.recent(10) if b.key is None]
    assert f"Đã bắt đầu gửi thông báo #{broadcast.id} tới 2 người" in shown.shown
    assert text in shown.shown
    assert shown.buttons == []
    assert len(tg.sent_to(ADMIN)) == before, "a tap sent a message of its own"
    assert [b.key for b in await app.svc.broadcasts.recent(10)].count(None) == 1
    assert broadcast.recipients == 2
    audited = [e.action for e in await app.svc.audit.recent(100)]
    assert audited.count("broadcast.start") == 1


async def test_tapping_agree_twice_closes_the_round_once_with_no_apology(
    app: App, tg: FakeTelegram, handled: Handled, organiser: FakeUser
) -> None:
    tg.user(1001, "An")
    an = Person.on(app, "telegram", "1001", "An")
    await an.register()
    await an.take_attempt(correct=9)
    await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    await admin_taps(tg, said("admin.button_close"), said("admin.close_pick"))
    confirm = await admin_taps(tg, "Quý 1", "Đóng Quý 1 ngay bây giờ?")

    taps = await double_tap(tg, handled, organiser, confirm, "✅ Đồng ý")

    assert sorted(acknowledgements(tg, *taps), key=str) == [None, ALREADY]
    closed = tg.message(ADMIN, confirm.message_id)
    assert closed.shown.startswith("Đã đóng Quý 1. Số người tham gia: 1. Số giải tạm tính: 1.")
    assert closed.buttons == []
    # The organisers are asked to review in one delivery (the broadcaster sends it).
    assert [m for m in tg.sent_to(ADMIN) if m.message_id > confirm.message_id] == []
    keys = [b.key for b in await app.svc.broadcasts.recent(10)]
    assert keys.count("review:2023-Q1") == 1
    audited = [e.action for e in await app.svc.audit.recent(100)]
    assert (audited.count("round.close"), audited.count("round.winners")) == (1, 1)


async def test_each_step_is_edited_into_the_panel_and_leaves_no_buttons_behind(
    app: App, tg: FakeTelegram, organiser: FakeUser
) -> None:
    await use_own_bank(app)
    panel = await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    await admin_taps(tg, said("admin.button_open"), said("admin.open_pick"))
    await admin_taps(tg, "Quý 2", "Mở Quý 2 ngay bây giờ?")
    assert tg.message(ADMIN, panel.message_id).labels == ["✅ Đồng ý", "Huỷ"]
    await admin_taps(tg, "✅ Đồng ý", "Đã mở Quý 2.")
    # One message all along, edited at each step; the finished step has no buttons.
    assert [m.message_id for m in tg.sent_to(ADMIN)] == [panel.message_id]
    opened = tg.message(ADMIN, panel.message_id)
    assert opened.shown.startswith("Đã mở Quý 2. Thông báo mở đợt được gửi")
    assert opened.buttons == []
    assert len(opened.edits) == 3

    # A results file: the step message says where the file is and keeps no buttons.
    results = await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    await admin_taps(tg, said("admin.button_results"), said("admin.results_pick"))
    await admin_taps(tg, "Quý 1", "chọn bản cần tải")
    await admin_taps(tg, said("admin.button_public"), "ket-qua-2023-Q1-cong-bo.xlsx")
    document = await tg.wait_for_text(ADMIN, "bản công bố", after=results.message_id)
    assert tg.message(ADMIN, results.message_id).buttons == []
    assert document.document is not None
    assert document.document.filename == "ket-qua-2023-Q1-cong-bo.xlsx"

    # A new bank: the confirmation is a new message (it answers the file) and loses its
    # buttons once answered.
    sent = organiser.send_document("ngan-hang-moi.xlsx", new_bank("Ngân hàng mới"), XLSX_TYPE)
    preview = await tg.wait_for_text(ADMIN, "hợp lệ", after=sent["message"]["message_id"])
    await admin_taps(tg, said("admin.button_cancel"), said("admin.cancelled"))
    assert tg.message(ADMIN, preview.message_id).buttons == []
    assert [m.message_id for m in tg.sent_to(ADMIN) if m.buttons] == []


async def test_the_bank_prompt_comes_with_the_template_file(
    tg: FakeTelegram, organiser: FakeUser
) -> None:
    panel = await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    await admin_taps(tg, said("admin.button_bank"), "Bạn gửi tệp câu hỏi")
    template = await tg.wait_for_text(ADMIN, "Tệp mẫu ngân hàng câu hỏi", after=panel.message_id)

    prompt = tg.message(ADMIN, panel.message_id)
    assert "quizbot" not in prompt.shown
    assert prompt.buttons == []
    assert template.document is not None
    assert template.document.filename == "mau-ngan-hang-cau-hoi.xlsx"
    book = openpyxl.load_workbook(io.BytesIO(template.document.data), read_only=True)
    try:
        assert book.sheetnames == ["Câu hỏi", "Hướng dẫn"]
    finally:
        book.close()
