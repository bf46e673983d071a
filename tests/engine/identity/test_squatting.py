"""Squatting: whoever types a phone first does not own it. The owner registers on Zalo as well
(a separate entry), and the owner's contact-button registration on Telegram gets the phone
verified while the squatter's entry is set aside for the organisers with its attempts kept."""

from __future__ import annotations

from bot.app import App
from handlers.rounds import round_results
from tests.support.client import Person

PHONE = "0912345678"


async def _squatter(app: App) -> tuple[Person, int]:
    squatter = Person.on(app, "zalo", "squatter", "Hoa")
    await squatter.register(name="Trần Thị Hoa", phone=PHONE, typed_phone=True)
    await squatter.take_attempt(correct=10)
    return squatter, await squatter.participant_id()


async def test_the_owner_typing_a_squatted_phone_on_zalo_is_not_refused(app: App) -> None:
    _, squatter_id = await _squatter(app)
    owner = Person.on(app, "zalo", "owner", "Hoa")
    await owner.register(name="Trần Thị Hoa", phone=PHONE, typed_phone=True)
    assert "Đăng ký thành công" in owner.said
    assert await owner.participant_id() != squatter_id

    await owner.take_attempt(correct=7)
    assert "Bạn đã nộp bài" in owner.said


async def test_the_owners_contact_button_wins_the_phone_and_sets_the_squatter_aside(
    app: App,
) -> None:
    squatter, squatter_id = await _squatter(app)
    owner = Person.on(app, "telegram", "owner", "Hoa")
    await owner.register(name="Trần Thị Hoa", phone=PHONE)
    owner_id = await owner.participant_id()
    assert owner_id != squatter_id
    await owner.take_attempt(correct=8)

    mine = await app.svc.participants.get(owner_id)
    theirs = await app.svc.participants.get(squatter_id)
    assert mine is not None
    assert theirs is not None
    assert (mine.phone, mine.phone_verified, mine.held_at) == ("+84912345678", True, None)
    assert (theirs.phone, theirs.phone_verified) == ("+84912345678", False)
    assert theirs.held_reason == "phone_claimed"
    assert await app.svc.attempts.count(squatter_id, "2023-Q1") == 1
    flagged = [
        e.detail
        for e in await app.svc.audit.recent()
        if e.action == "participant.hold" and e.actor == "system"
    ]
    assert flagged == [{"participant": squatter_id, "reason": "phone_claimed", "by": owner_id}]

    await squatter.send("/diem")
    assert "Kết quả tốt nhất: 10/10" in squatter.said  # nothing told, nothing lost
    results = await round_results(app.svc, "2023-Q1")
    assert [r.participant_id for r in results.ranking] == [squatter_id, owner_id]
    assert results.ineligible == {squatter_id: "on_hold"}
    assert results.awards[0].participant_id == owner_id
