"""Registration: a shared contact that is not the sender's own is refused and nothing changes."""

from __future__ import annotations

from bot.app import App
from tests.support.client import Person


async def test_someone_elses_contact_is_refused_and_nothing_changes(
    app: App, person: Person
) -> None:
    await person.send("/dangky")
    await person.send("Nguyễn Văn An")
    before = await app.svc.store.conversation(person.user.key)

    await person.share_contact("0987654321", own=False)
    assert "số điện thoại của chính mình" in person.said
    assert person.messages()[-1].ask_contact
    assert await app.svc.store.conversation(person.user.key) == before
    assert await app.svc.participants.count() == 0

    await person.share_contact("0912345678")
    assert "3/6. Năm sinh" in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["phone"] == "+84912345678"


async def test_someone_elses_contact_while_correcting_the_phone_keeps_the_old_one(
    app: App, person: Person
) -> None:
    await person.register(phone="0912345678")
    await person.send("/dangky")
    await person.tap("✏️ Sửa")
    await person.tap("Số điện thoại")
    await person.share_contact("0987654321", own=False)
    assert "số điện thoại của chính mình" in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["phone"] == "+84912345678"
    stored = await app.svc.participants.get(await person.participant_id())
    assert stored is not None
    assert stored.phone == "+84912345678"


async def test_contact_outside_registration_is_not_used(app: App, person: Person) -> None:
    await person.share_contact("0912345678")
    assert "chưa cần số điện thoại" in person.said
    assert await app.svc.participants.count() == 0
    assert await app.svc.store.conversation(person.user.key) == {}
