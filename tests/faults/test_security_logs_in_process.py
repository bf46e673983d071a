"""No phone number reaches the log, in any form, even at DEBUG and even when SQL fails.

Everything runs in this process with every logger at DEBUG (caplog): participants register on
Telegram (shared contact) and Zalo (typed, in several spellings), take the quiz and ask for
their score; one registration's save fails because the database cannot be written (the error
is logged with its traceback); an organiser downloads the results with full phones. Every
record, with its traceback, is scanned for every phone in every form (+849…, 849…, 09…).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from bot.app import App
from handlers.events import Document
from storage.db import Database
from storage.repos import ParticipantDetails, Participants
from tests.faults.phones import phones_in
from tests.faults.support import sqlite_immutable, telegram_channel
from tests.support.client import Person
from tests.support.servers import postgres_database
from tests.telegram.client import TgUser

PHONES = {
    "contact": "+84 983 271 645",
    "typed": "0976.451.283",
    "international": "84918273645",
    "failing": "0937 182 546",
}


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
    return "\n".join(formatter.format(r) for r in caplog.records)


async def test_no_phone_number_is_logged_at_debug_even_when_sql_fails(
    app: App, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    app.svc.admins = frozenset({"telegram:9000"})
    session, channel = telegram_channel(app)

    tg = TgUser(channel, session, 1001, "Hải")
    await tg.send("/start")
    await tg.send("/dangky")
    await tg.send("Nguyễn Văn Hải")
    await tg.share_contact(PHONES["contact"])
    await tg.send("1990")
    await tg.tap("Hoa Lư")
    await tg.tap("Người dân")
    await tg.tap("✅ Đồng ý")
    await tg.tap("✅ Xác nhận")
    await tg.send("/thi")
    for _ in range(10):
        await tg.tap("A")
    await tg.send("1234")
    await tg.send("/diem")

    zalo = Person.on(app, "zalo", "z1", "Hương")
    await zalo.register(name="Lê Thị Hương", phone=PHONES["typed"], typed_phone=True)
    await zalo.take_attempt(correct=4)
    other = Person.on(app, "zalo", "z2", "Khánh")
    await other.register(name="Phan Văn Khánh", phone=PHONES["international"], typed_phone=True)
    # The same number typed by someone else makes an entry of their own (not logged either).
    thief = Person.on(app, "zalo", "z3", "Giả")
    await thief.register(
        name="Kẻ Mạo Danh", phone=PHONES["international"], birth="1980", typed_phone=True
    )

    failing = Person.on(app, "telegram", "1004", "Lộc")
    await failing.send("/dangky")
    await failing.send("Vũ Văn Lộc")
    await failing.send(PHONES["failing"])
    await failing.send("1975")
    await failing.tap("Kim Sơn")
    await failing.tap("Người dân")
    await failing.tap("✅ Đồng ý")
    async with sqlite_immutable(Path(app.settings.database_url.split("///", 1)[1])):
        await failing.tap("✅ Xác nhận")
        assert "sự cố" in failing.said
    await failing.tap("✅ Xác nhận")
    assert "Đăng ký thành công" in failing.said

    organiser = Person.on(app, "telegram", "9000", "BTC")
    await organiser.send("/admin")
    await organiser.tap("📊 Tải kết quả")
    await organiser.tap("Quý 1")
    await organiser.tap("Bản nội bộ (đủ số điện thoại)")
    assert any(isinstance(r, Document) for r in organiser.replies)

    logged = everything_logged(caplog)
    assert "Traceback" in logged, "the failed save was not logged with its traceback"
    assert len(caplog.records) > 20
    assert phones_in(logged, list(PHONES.values())) == []


@pytest.mark.postgres
async def test_an_sql_error_message_carries_no_parameters() -> None:
    """A statement PostgreSQL refuses (a name too long for its column) fails with a message
    that would be logged as it is: it names the statement but not the values, phone included."""
    async with postgres_database() as url:
        db = await Database.open(url)
        try:
            with pytest.raises(DBAPIError) as failed:
                await Participants(db).register(
                    ParticipantDetails("Tên " * 60, "+84965432187", 1990, "Hoa Lư", "Người dân"),
                    channel="telegram",
                    channel_user_id="1",
                    display_name="x",
                    source="",
                    now=datetime.now(UTC),
                )
        finally:
            await db.close()
    message = str(failed.value)
    assert "INSERT INTO participants" in message
    assert phones_in(message, ["+84965432187"]) == []
