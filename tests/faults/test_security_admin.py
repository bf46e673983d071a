"""Organisers' commands do nothing for anyone else: /admin and every adm: button.

A participant, someone unregistered, and a Zalo account with the organiser's numeric id try
/admin and every organiser button (with every argument the real buttons carry), also with a
forged admin conversation: each gets the answer an unknown command or an expired button gets,
no file, and nothing changes (rounds, broadcasts, the question bank, the audit log, anyone's
conversation or pending upload). A file they send is not even downloaded.
"""

from __future__ import annotations

import pytest
from aiogram.methods import GetFile

from bot.app import App
from handlers.events import Document, Message
from tests.faults.support import telegram_channel
from tests.support.client import Person
from tests.telegram.client import TgUser

ADMIN = "telegram:9000"
TOKENS = [
    "adm:",
    "adm:bc",
    "adm:bc:go",
    "adm:res",
    "adm:res:2023-Q1",
    "adm:res:2023-Q1:public",
    "adm:res:2023-Q1:full",
    "adm:open",
    "adm:open:2023-Q2",
    "adm:open:2023-Q2:yes",
    "adm:close",
    "adm:close:2023-Q1",
    "adm:close:2023-Q1:yes",
    "adm:bank",
    "adm:bank:go",
    "adm:cancel",
    "adm:unknown:x:y",
    # The one-time buttons of steps that act: adm:<step>:<choice>:<code>.
    "adm:bc:go:Xy12_-ab",
    "adm:bc:no:Xy12_-ab",
    "adm:bank:go:Xy12_-ab",
    "adm:bank:no:Xy12_-ab",
    "adm:open:2023-Q2:yes:Xy12_-ab",
    "adm:close:2023-Q1:yes:Xy12_-ab",
    "adm:close:2023-Q1:no:Xy12_-ab",
    "adm:res:2023-Q1:full:Xy12_-ab",
]


async def snapshot(app: App) -> tuple[object, ...]:
    svc = app.svc
    rounds = [(r.code, r.status, r.actual_figure) for r in await svc.rounds.all()]
    return (
        rounds,
        await svc.broadcasts.recent(10),
        await svc.questions.active_bank(),
        [(e.actor, e.action) for e in await svc.audit.recent(100)],
        await app.store.conversation(ADMIN),
        await app.store.redis.exists(app.store.keys.upload(ADMIN)),
    )


@pytest.fixture
async def strangers(app: App) -> list[Person]:
    app.svc.admins = frozenset({ADMIN})
    someone = Person.on(app, "telegram", "1001", "An")
    await someone.register()
    await someone.take_attempt(correct=5)
    organiser = Person.on(app, "telegram", "9000", "BTC")
    await organiser.send("/admin")
    await organiser.tap("📣 Gửi thông báo")  # the organiser is mid-way through a broadcast
    await app.store.put_upload(ADMIN, "bank.yaml", b"pending")
    return [someone, Person.on(app, "telegram", "1002", "Lạ"), Person.on(app, "zalo", "9000", "Z")]


async def test_admin_commands_and_buttons_do_nothing_for_anyone_else(
    app: App, strangers: list[Person]
) -> None:
    before = await snapshot(app)
    for person in strangers:
        for command in ("/admin", "/Admin@cuoc_thi_bot", "/admin full"):
            await person.send(command)
            assert "Không có lệnh này" in person.said, person.said
        for forged in ({}, {"step": "adm:broadcast", "text": "Tin giả"}):
            await app.store.save_conversation(person.user.key, forged)
            for token in TOKENS:
                replies = await person.tap_token(token)
                expired = app.svc.texts.as_read_on(person.user.channel, "common.expired_button")
                assert person.notices() == [expired], (token, replies)
                assert not any(isinstance(r, Document | Message) for r in replies), token
            await person.send("Tin nhắn giả của Ban Tổ chức")
            assert "Xem trước" not in person.said
            await app.store.clear_conversation(person.user.key)
        assert await snapshot(app) == before


async def test_a_file_from_someone_else_is_not_downloaded(app: App) -> None:
    app.svc.admins = frozenset({ADMIN})
    session, channel = telegram_channel(app)
    stranger = TgUser(channel, session, 1003, "Lạ")
    bank = await app.svc.questions.active_bank()
    await stranger.send_document("cau-hoi.yaml", b"bank: x\ntitle: y\nquestions: []\n")
    assert session.of(GetFile) == []
    assert "chỉ nhận tin nhắn chữ" in stranger.last_text()
    assert await app.svc.questions.active_bank() == bank
