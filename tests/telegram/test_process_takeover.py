"""Takeover by typed phone, tried against the real `quizbot run` polling the fake Telegram: the
attacker types the victim's phone and name instead of using the contact button, and gets an
entry of their own (held, since the victim's phone is verified); the victim's entry, details
and results stay the victim's."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.fake_telegram import FakeTelegram, FakeUser
from tests.telegram.process import TOKEN, BotConfig, BotProcess, running_bot
from tests.telegram.scripted import question_shown, register, said

pytestmark = pytest.mark.asyncio(loop_scope="module")

VICTIM, ATTACKER = 7001, 7002
PHONE = "+84912000071"


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(
    tg: FakeTelegram, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BotProcess]:
    async with running_bot(tg, tmp_path_factory.mktemp("takeover"), BotConfig()) as process:
        yield process


async def _says(tg: FakeTelegram, user: FakeUser, text: str, expect: str) -> str:
    sent = user.send_text(text)
    shown = await tg.wait_for_text(user.id, expect, after=sent["message"]["message_id"])
    return shown.shown


async def test_typing_a_verified_participants_phone_and_name_takes_nothing_over(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    victim = tg.user(VICTIM, "Bích")
    await register(tg, victim, "Trần Thị Bích", PHONE, contact=True)
    victim.send_text("/thi")
    for n in range(1, 11):
        await tg.wait_for_text(VICTIM, question_shown(n))
        victim.tap_button("A")
    await tg.wait_for_text(VICTIM, "Câu hỏi dự đoán")
    victim.send_text("150")
    await tg.wait_for_text(VICTIM, "Số câu đúng")

    attacker = tg.user(ATTACKER, "Bích")
    await _says(tg, attacker, "/dangky", said("register.ask_name"))
    await _says(tg, attacker, "tran thi bich", said("register.ask_phone"))
    await _says(tg, attacker, "0912 000 071", said("register.ask_birth"))
    await _says(tg, attacker, "2001", said("register.ask_locality"))
    attacker.tap_button("Kim Sơn")
    await tg.wait_for_text(ATTACKER, said("register.ask_unit"))
    await _says(tg, attacker, "Công ty Ánh Dương", "6/6.")
    attacker.tap_button(said("register.button_agree"))
    await tg.wait_for_text(ATTACKER, "Bạn kiểm tra lại thông tin")
    attacker.tap_button(said("register.button_confirm"))
    await tg.wait_for_text(ATTACKER, "Đăng ký thành công")

    shown = await _says(tg, attacker, "/dangky", "Bạn đã đăng ký với thông tin")
    assert "Năm sinh: 2001" in shown
    assert "Đơn vị: Công ty Ánh Dương" in shown
    scores = await _says(tg, attacker, "/diem", "chưa thi lượt nào")
    assert "Kết quả tốt nhất" not in scores

    people = bot.rows(
        "SELECT a.channel_user_id, p.full_name, p.birth_year, p.unit, p.phone_verified,"
        " p.held_reason FROM participants p JOIN accounts a ON a.participant_id = p.id"
        " WHERE p.phone = ? ORDER BY a.channel_user_id",
        PHONE,
    )
    assert people == [
        (str(VICTIM), "Trần Thị Bích", 1990, "Người dân", 1, ""),
        (str(ATTACKER), "tran thi bich", 2001, "Công ty Ánh Dương", 0, "phone_of_verified"),
    ]
    assert (
        bot.value(
            "SELECT count(*) FROM attempts a JOIN accounts c ON c.participant_id = a.participant_id"
            " WHERE c.channel_user_id = ?",
            str(VICTIM),
        )
        == 1
    )
    victim_scores = await _says(tg, victim, "/diem", "Kết quả tốt nhất")
    assert "Số lượt đã thi: 1" in victim_scores
    tg.assert_no_violations()
