"""A name typed on another channel never overwrites the stored one: "Tran Thi Binh" on Zalo
leaves "Trần Thị Bình" of Telegram as it is, whether typed as a registration or joined with a
linking code."""

from __future__ import annotations

import re

from bot.app import App
from tests.support.client import Person


async def _on_telegram(app: App) -> tuple[Person, int]:
    binh = Person.on(app, "telegram", "binh", "Bình")
    await binh.register(name="Trần Thị Bình", phone="0912345678")
    return binh, await binh.participant_id()


async def test_registering_on_zalo_without_diacritics_leaves_the_stored_name(app: App) -> None:
    _, pid = await _on_telegram(app)
    zalo = Person.on(app, "zalo", "binh-z", "Binh")
    await zalo.register(name="Tran Thi Binh", phone="0912345678", typed_phone=True)

    stored = await app.svc.participants.get(pid)
    assert stored is not None
    assert stored.full_name == "Trần Thị Bình"
    assert await zalo.participant_id() != pid


async def test_linking_from_zalo_keeps_the_stored_name(app: App) -> None:
    binh, pid = await _on_telegram(app)
    await binh.send("/lienket")
    code = re.search(r"\b\d{8}\b", binh.said)
    assert code is not None

    zalo = Person.on(app, "zalo", "binh-z", "Binh")
    await zalo.send(f"lien ket {code[0]}")
    assert "Đã liên kết tài khoản này với bài dự thi của Trần Thị Bình" in zalo.said
    assert await zalo.participant_id() == pid
    stored = await app.svc.participants.get(pid)
    assert stored is not None
    assert stored.full_name == "Trần Thị Bình"
    await zalo.send("/dangky")
    assert "Họ và tên: Trần Thị Bình" in zalo.said
