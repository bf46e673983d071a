"""Participants: one person per phone, however many channels they register from."""

from __future__ import annotations

from datetime import timedelta

from storage.db import Database
from storage.repos import Participants
from tests.storage.data import T0, details


async def test_registered_person_is_found_by_account_and_by_phone(db: Database) -> None:
    repo = Participants(db)

    saved = await repo.register(
        details("+84912345678"),
        channel="telegram",
        channel_user_id="1001",
        display_name="An",
        source="qr",
        now=T0,
    )

    by_account = await repo.by_account("telegram", "1001")
    by_phone = await repo.by_phone("+84912345678")
    assert by_account is not None
    assert by_phone is not None
    assert by_account.id == by_phone.id == saved.id
    assert by_phone.full_name == "Nguyễn Văn An"
    assert await repo.by_account("zalo", "1001") is None
    assert await repo.by_phone("+84987654321") is None


async def test_same_phone_from_another_channel_links_the_same_person(db: Database) -> None:
    repo = Participants(db)
    first = await repo.register(
        details("+84912345678"),
        channel="telegram",
        channel_user_id="1001",
        display_name="An",
        source="",
        now=T0,
    )

    second = await repo.register(
        details("+84912345678", name="Nguyễn Văn Ân"),
        channel="zalo",
        channel_user_id="z-77",
        display_name="Ân",
        source="",
        now=T0 + timedelta(days=1),
    )

    assert second.id == first.id
    assert await repo.count() == 1
    on_zalo = await repo.by_account("zalo", "z-77")
    assert on_zalo is not None
    assert on_zalo.id == first.id
    assert on_zalo.full_name == "Nguyễn Văn Ân"
    assert first.id is not None
    channels = {(a.channel, a.channel_user_id) for a in await repo.accounts_of(first.id)}
    assert channels == {("telegram", "1001"), ("zalo", "z-77")}


async def test_registering_again_on_the_same_account_keeps_one_account(db: Database) -> None:
    repo = Participants(db)
    for name in ("Nguyễn Văn An", "Nguyễn Văn Anh"):
        await repo.register(
            details("+84912345678", name=name),
            channel="telegram",
            channel_user_id="1001",
            display_name="An",
            source="",
            now=T0,
        )

    person = await repo.by_phone("+84912345678")
    assert person is not None
    assert person.id is not None
    assert person.full_name == "Nguyễn Văn Anh"
    assert len(await repo.accounts_of(person.id)) == 1
