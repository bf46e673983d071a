"""One person on Telegram and Zalo is one participant once the Zalo account is linked with the
code the Telegram account gives: one set of limits, one entry in the ranking. Typing the same
phone and name on Zalo instead makes a separate entry and changes nothing of the first. The
rules live in the engine; this drives them through Zalo, typed as people type there."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from handlers import submit
from tests.engine.identity.linking import code_of
from tests.fake_zalo import FakeZalo
from tests.support.client import Person
from tests.zalo.participant import ZaloParticipant


@pytest.mark.parametrize("typed", ["liên kết {code}", "lien ket {code}", "/lienket {code}"])
async def test_a_linking_code_typed_on_zalo_joins_the_telegram_participant(
    app: App,
    zl: FakeZalo,
    polling: ZaloChannel,
    person: Person,
    an: ZaloParticipant,
    typed: str,
) -> None:
    await person.register(name="Nguyễn Văn An", phone="0912345678")
    await person.take_attempt(correct=6)
    pid = await person.participant_id()

    await an.say("liên kết", "gõ /lienket để lấy mã")
    code = await code_of(person)
    await an.say(
        typed.format(code=code), "Đã liên kết tài khoản này với bài dự thi của Nguyễn Văn An"
    )
    joined = await app.svc.participants.by_account("zalo", an.id)
    assert joined is not None
    assert joined.id == pid

    # The day's one attempt was used on Telegram.
    refused = await an.say("thi", "Hôm nay bạn đã thi 1/1 lượt")
    assert "Câu 1/10" not in refused.shown
    assert await app.svc.store.attempt(pid) is None

    # One entry in the ranking, seen the same from both accounts.
    assert await submit.standing(app.svc, "2023-Q1", pid) == (1, 1)
    await an.say("điểm", "Kết quả tốt nhất: 6/10")


async def test_the_same_phone_and_name_typed_on_zalo_is_a_separate_entry(
    app: App, zl: FakeZalo, polling: ZaloChannel, person: Person, an: ZaloParticipant
) -> None:
    await person.register(name="Nguyễn Văn An", phone="0912345678", unit="Sở Tư pháp")
    await person.take_attempt(correct=6)
    pid = await person.participant_id()

    await an.register(name="nguyen van an", phone="0912345678")
    own = await app.svc.participants.by_account("zalo", an.id)
    assert own is not None
    assert own.id != pid
    await an.say("điểm", "Quý 1: bạn chưa thi lượt nào")
    first = await app.svc.participants.get(pid)
    assert first is not None
    assert (first.full_name, first.unit) == ("Nguyễn Văn An", "Sở Tư pháp")
