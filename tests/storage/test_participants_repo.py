"""Participants: each account saves its own entry; only a verified phone is unique."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from storage.db import Database
from storage.models import Participant
from storage.repos import Participants
from storage.repos.identity_steps import PhoneVerifiedElsewhereError
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


async def test_the_same_typed_phone_from_another_account_is_another_entry(db: Database) -> None:
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

    assert second.id != first.id
    assert await repo.count() == 2
    assert first.id is not None
    unchanged = await repo.get(first.id)
    assert unchanged is not None
    assert unchanged.full_name == "Nguyễn Văn An"
    assert [a.channel for a in await repo.accounts_of(first.id)] == ["telegram"]


async def test_a_verified_phone_belongs_to_one_entry_only(db: Database) -> None:
    repo = Participants(db)

    async def verified_from(uid: str) -> None:
        await repo.register(
            details("+84912345678"),
            channel="telegram",
            channel_user_id=uid,
            display_name="An",
            source="",
            now=T0,
            verified=True,
        )

    await verified_from("1001")
    with pytest.raises(PhoneVerifiedElsewhereError):
        await verified_from("2002")
    assert await repo.by_account("telegram", "2002") is None
    # The database itself refuses a second verified holder, whatever writes it.
    first = await repo.by_account("telegram", "1001")
    assert first is not None
    copy = Participant(**first.model_dump(exclude={"id"}))
    with pytest.raises(IntegrityError):
        async with db.session() as s:
            s.add(copy)


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
