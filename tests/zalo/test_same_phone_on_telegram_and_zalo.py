"""One person on Telegram and Zalo (same phone, same name) is one participant: one set of
limits, one entry in the ranking. The rule lives in the engine; this drives it through Zalo."""

from __future__ import annotations

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from handlers import submit
from tests.fake_zalo import FakeZalo
from tests.support.client import Person
from tests.zalo.participant import ZaloParticipant


async def test_registering_on_zalo_with_the_telegram_phone_and_name_joins_the_same_person(
    app: App, zl: FakeZalo, polling: ZaloChannel, person: Person, an: ZaloParticipant
) -> None:
    await person.register(name="Nguyễn Văn An", phone="0912345678")
    await person.take_attempt(correct=6)
    pid = await person.participant_id()

    await an.register(name="Nguyễn Văn An", phone="+84 912 345 678")
    joined = await app.svc.participants.by_account("zalo", an.id)
    assert joined is not None
    assert joined.id == pid

    # The day's one attempt was used on Telegram.
    refused = await an.say("thi", "Hôm nay bạn đã thi 1/1 lượt")
    assert "Câu 1/10" not in refused.shown
    assert await app.svc.store.attempt(pid) is None

    # One entry in the ranking, seen the same from both accounts.
    rnd = await app.svc.rounds.get("2023-Q1")
    assert rnd is not None
    assert await submit.standing(app.svc, rnd.code, pid) == (1, 1)
    await an.say("điểm", "Kết quả tốt nhất: 6/10")


async def test_the_same_phone_with_another_name_is_refused_on_zalo(
    app: App, zl: FakeZalo, polling: ZaloChannel, person: Person, an: ZaloParticipant
) -> None:
    await person.register(name="Nguyễn Văn An", phone="0912345678")
    await an.say("dang ky", "1/6.")
    await an.say("Trần Thị Bình", "2/6.")
    await an.say("0912345678", "3/6.")
    await an.say("1990", "4/6.")
    await an.say("Hoa Lư", "5/6.")
    await an.say("1", "6/6.")
    await an.say("1", "kiểm tra lại")
    await an.say("1", "đã được đăng ký với một họ tên khác")
    assert await app.svc.participants.by_account("zalo", an.id) is None
