"""A hold that follows from a typed phone alone ends when the entry, before its first attempt,
changes to a phone nobody holds verified; a hold an organiser decided does not."""

from __future__ import annotations

from bot.app import App
from handlers import identity
from tests.support.client import Person


async def _typed_over_a_verified_phone(app: App) -> tuple[Person, int]:
    owner = Person.on(app, "telegram", "owner", "Hoa")
    await owner.register(name="Trần Thị Hoa", phone="0912345678")
    mistaken = Person.on(app, "zalo", "z1", "Hòa")
    await mistaken.register(name="Lê Văn Hòa", phone="0912345678", typed_phone=True)
    pid = await mistaken.participant_id()
    held = await app.svc.participants.get(pid)
    assert held is not None
    assert held.held_reason == "phone_of_verified"
    return mistaken, pid


async def _correct_phone(person: Person, phone: str) -> None:
    await person.send("/dangky")
    await person.tap("✏️ Sửa")
    await person.tap("Số điện thoại")
    await person.send(phone)
    await person.tap("✅ Xác nhận")
    assert "Đã cập nhật thông tin" in person.said


async def test_correcting_a_mistyped_phone_before_any_attempt_ends_the_hold(app: App) -> None:
    mistaken, pid = await _typed_over_a_verified_phone(app)
    await _correct_phone(mistaken, "0912345679")

    person = await app.svc.participants.get(pid)
    assert person is not None
    assert (person.phone, person.held_at, person.held_reason) == ("+84912345679", None, "")
    actions = [(e.action, e.actor) for e in await app.svc.audit.recent()]
    assert actions[:2] == [("participant.release", "system"), ("participant.hold", "system")]
    spells = await app.svc.identities.phones_of(pid)
    assert [(s.phone, s.until is None) for s in spells] == [
        ("+84912345678", False),
        ("+84912345679", True),
    ]


async def test_an_organisers_hold_stays_whatever_phone_the_entry_gives(app: App) -> None:
    mistaken, pid = await _typed_over_a_verified_phone(app)
    assert await identity.set_hold(
        app.svc, pid, held=True, reason="Chờ xác minh qua điện thoại", actor="cli:btc"
    )
    await _correct_phone(mistaken, "0912345679")

    person = await app.svc.participants.get(pid)
    assert person is not None
    assert person.held_reason == "organiser"
    assert person.held_at is not None
