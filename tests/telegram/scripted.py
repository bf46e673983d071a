"""What scripted participants and organisers do in a chat with the real bot process.

The steps read like the people doing them (`register`, `admin_taps`, `broadcast`) and wait for
what the bot shows in the fake Telegram server, or for what its database says.
"""

from __future__ import annotations

import asyncio
from typing import Any

from handlers.texts import Texts, plain
from questions import Bank, Question, write_bank_bytes
from tests.fake_telegram import FakeTelegram, FakeUser, StoredMessage
from tests.support.banks import own_questions
from tests.telegram.process import BotProcess

ADMIN = 9000  # the organiser's Telegram id (TELEGRAM_ADMIN_IDS)
TEXTS = Texts("vi")


def said(key: str, **values: object) -> str:
    """A catalogue text as the participant reads it (markup removed)."""
    return plain(TEXTS(key, **values))


# ------------------------------------------------------------------ what participants do


async def register(
    tg: FakeTelegram,
    user: FakeUser,
    name: str,
    phone: str,
    *,
    contact: bool,
    birth: str = "1990",
    locality: str = "Hoa Lư",
) -> None:
    """Register through the chat; the contact keyboard is there at the phone step only."""
    uid = user.id
    user.send_text("/dangky")
    await tg.wait_for_text(uid, said("register.ask_name"))
    user.send_text(name)
    await tg.wait_for_text(uid, said("register.ask_phone"))
    assert tg.reply_keyboard(uid) == [[said("register.share_contact")]]
    if contact:
        user.send_contact(phone)
    else:
        user.send_text(phone)
    await tg.wait_for_text(uid, said("register.ask_birth"))
    assert tg.reply_keyboard(uid) == [], "the contact keyboard stays after the phone step"
    user.send_text(birth)
    await tg.wait_for_text(uid, said("register.ask_locality"))
    user.tap_button(locality)
    await tg.wait_for_text(uid, said("register.ask_unit"))
    user.tap_button(said("register.resident"))
    await tg.wait_for_text(uid, "6/6.")
    user.tap_button(said("register.button_agree"))
    await tg.wait_for_text(uid, "Bạn kiểm tra lại thông tin")
    user.tap_button(said("register.button_confirm"))
    await tg.wait_for_text(uid, "Đăng ký thành công")


async def register_all(tg: FakeTelegram, people: dict[int, str]) -> list[FakeUser]:
    """Register several people at once (phones made from their ids)."""
    users = [tg.user(uid, name.split()[-1]) for uid, name in people.items()]
    await asyncio.gather(
        *(
            register(tg, u, name, f"09{u.id:08d}", contact=i % 2 == 0)
            for i, (u, name) in enumerate(zip(users, people.values(), strict=True))
        )
    )
    return users


def question_shown(n: int) -> str:
    """How question n of 10 starts (the answered form of it reads differently)."""
    return f"Câu {n}/10 · "


def callback_queries(tg: FakeTelegram, *user_ids: int) -> set[str]:
    """Ids of every button press these users made."""
    return {
        u["callback_query"]["id"]
        for u in tg.updates.values()
        if "callback_query" in u and u["callback_query"]["from"]["id"] in user_ids
    }


def copies(tg: FakeTelegram, chat_id: int, text: str) -> int:
    """How many bot messages in a chat contain `text`."""
    return sum(text in m.shown for m in tg.sent_to(chat_id))


def sent_calls(tg: FakeTelegram, method: str, chat_id: int) -> list[Any]:
    """The bot's calls of `method` to one chat, in order."""
    return [c for c in tg.calls(method) if str(c.params.get("chat_id")) == str(chat_id)]


# ------------------------------------------------------------------ what organisers do


async def admin_says(tg: FakeTelegram, text: str, expect: str) -> StoredMessage:
    """The organiser sends a line and gets a new message containing `expect`."""
    sent = tg.user(ADMIN, "Ban Tổ chức").send_text(text)
    return await tg.wait_for_text(ADMIN, expect, after=sent["message"]["message_id"])


async def admin_taps(tg: FakeTelegram, label: str, expect: str) -> StoredMessage:
    """The organiser taps a button and the bot shows `expect`: in the message that held the
    button (each step of /admin is edited into it), or in a new one (a file)."""
    before = max((m.message_id for m in tg.chat(ADMIN)), default=0)
    tapped = tg.user(ADMIN).tap_button(label)["callback_query"]["message"]["message_id"]
    edits = len(tg.message(ADMIN, tapped).edits)

    def shown() -> StoredMessage | None:
        held = tg.message(ADMIN, tapped)
        if len(held.edits) > edits and expect in held.shown:
            return held
        return next(
            (m for m in tg.sent_to(ADMIN) if m.message_id > before and expect in m.shown), None
        )

    return await tg.wait_for(shown)


async def preview_broadcast(tg: FakeTelegram, text: str) -> StoredMessage:
    """/admin → 📣 → the text: the preview, with its recipient count and buttons."""
    await admin_says(tg, "/admin", "Bảng điều khiển Ban Tổ chức")
    await admin_taps(tg, said("admin.button_broadcast"), said("admin.broadcast_ask"))
    return await admin_says(tg, text, "Xem trước")


async def start_broadcast(tg: FakeTelegram, bot: BotProcess, text: str) -> int:
    """Start an announcement through /admin (preview, then send); returns its id."""
    audience = bot.value("SELECT count(*) FROM accounts WHERE blocked_at IS NULL")
    preview = await preview_broadcast(tg, text)
    assert f"thông báo sẽ gửi tới {audience} người" in preview.shown
    assert text in preview.shown
    await admin_taps(tg, said("admin.button_send"), "Đã bắt đầu gửi thông báo")
    broadcast_id = int(bot.value("SELECT max(id) FROM broadcasts"))
    assert text in plain(bot.value("SELECT text FROM broadcasts WHERE id = ?", broadcast_id))
    return broadcast_id


async def broadcast_done(tg: FakeTelegram, bot: BotProcess, broadcast_id: int) -> None:
    """Wait until every recipient of a broadcast has been dealt with."""
    await tg.wait_for(
        lambda: bot.value("SELECT status FROM broadcasts WHERE id = ?", broadcast_id) == "done",
        15,
    )


async def broadcast(tg: FakeTelegram, bot: BotProcess, text: str) -> int:
    """Send an announcement through /admin; returns its id once every recipient is done."""
    broadcast_id = await start_broadcast(tg, bot, text)
    await broadcast_done(tg, bot, broadcast_id)
    return broadcast_id


def recipients(bot: BotProcess, broadcast_id: int) -> dict[int, str]:
    """Telegram user id -> what happened to that recipient."""
    rows = bot.rows(
        "SELECT channel_user_id, status FROM broadcast_recipients WHERE broadcast_id = ?",
        broadcast_id,
    )
    return {int(uid): status for uid, status in rows}


def new_bank(title: str, *, bad_row: int | None = None) -> bytes:
    """An XLSX bank of 12 questions whose texts say which bank they come from."""
    questions = own_questions(title)
    if bad_row is not None:
        # Row 1 holds the headers: question i is on row i + 2.
        questions[bad_row - 2] = Question("Câu hỏi có hai phương án giống nhau?", ("Có", "Có"), 0)
    return write_bank_bytes(Bank(name=title, title=title, questions=questions), "bank.xlsx")
