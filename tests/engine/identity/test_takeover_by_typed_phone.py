"""Takeover by typed phone: registering with someone's phone and name, typed (on Zalo, or on
Telegram instead of the contact button), makes a separate entry of the typist's own. The
victim's details, attempts and results are neither changed nor shown to them."""

from __future__ import annotations

import pytest

from bot.app import App
from handlers.rounds import round_results
from tests.support.client import Person

VICTIM_PHONE = "0912345678"


async def _victim(app: App, *, verified: bool) -> tuple[Person, int]:
    """Trần Thị Bích, 1975, Sở Tư pháp in Kim Sơn, with one attempt of 9 right."""
    victim = Person.on(app, "telegram" if verified else "zalo", "victim", "Bích")
    await victim.register(
        name="Trần Thị Bích",
        phone=VICTIM_PHONE,
        birth="1975",
        locality="Kim Sơn",
        unit="Sở Tư pháp",
        typed_phone=not verified,
    )
    await victim.take_attempt(correct=9)
    return victim, await victim.participant_id()


async def _attacker(app: App, channel: str, name: str) -> Person:
    attacker = Person.on(app, channel, "attacker", "Bích")
    await attacker.register(
        name=name,
        phone="0912 345 678",
        birth="2001",
        locality="Hoa Lư",
        unit="Công ty Ánh Dương",
        typed_phone=True,
    )
    return attacker


@pytest.mark.parametrize(
    ("channel", "name"),
    [
        pytest.param("zalo", "Trần Thị Bích", id="zalo"),
        pytest.param("telegram", "Trần Thị Bích", id="telegram-typed"),
        pytest.param("zalo", "tran thi bich", id="lower-case-no-diacritics"),
    ],
)
async def test_a_typed_phone_and_name_of_another_person_do_not_join_their_entry(
    app: App, channel: str, name: str
) -> None:
    victim, victim_id = await _victim(app, verified=False)
    attacker = await _attacker(app, channel, name)

    assert await attacker.participant_id() != victim_id
    stored = await app.svc.participants.get(victim_id)
    assert stored is not None
    assert (stored.full_name, stored.birth_year, stored.locality, stored.unit) == (
        "Trần Thị Bích",
        1975,
        "Kim Sơn",
        "Sở Tư pháp",
    )
    accounts = await app.svc.participants.accounts_of(victim_id)
    assert [(a.channel, a.channel_user_id) for a in accounts] == [("zalo", "victim")]

    await attacker.send("/dangky")
    assert "Năm sinh: 2001" in attacker.said
    assert "Công ty Ánh Dương" in attacker.said
    assert "1975" not in attacker.said
    assert "Sở Tư pháp" not in attacker.said
    await attacker.send("/diem")
    assert "bạn chưa thi lượt nào" in attacker.said
    assert "9/10" not in attacker.said

    await victim.send("/diem")
    assert "Kết quả tốt nhất: 9/10" in victim.said


async def test_typing_the_phone_a_participant_verified_puts_the_typists_entry_on_hold(
    app: App,
) -> None:
    _, victim_id = await _victim(app, verified=True)
    attacker = await _attacker(app, "telegram", "Trần Thị Bích")
    assert "Đăng ký thành công" in attacker.said
    await attacker.take_attempt(correct=10)

    mine = await app.svc.participants.get(await attacker.participant_id())
    assert mine is not None
    assert mine.held_at is not None
    assert mine.held_reason == "phone_of_verified"
    victim = await app.svc.participants.get(victim_id)
    assert victim is not None
    assert victim.phone_verified
    assert victim.held_at is None

    results = await round_results(app.svc, "2023-Q1")
    assert results.ineligible == {mine.id: "on_hold"}
    assert [r.participant_id for r in results.ranking] == [mine.id, victim_id]
    assert results.awards[0].participant_id == victim_id
