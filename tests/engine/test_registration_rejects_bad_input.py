"""Registration: a bad name, phone or birth year is refused in Vietnamese and the step repeats."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.support.client import Person


async def _at_phone_step(person: Person) -> None:
    await person.send("/dangky")
    await person.send("Nguyễn Văn An")


async def _at_birth_step(person: Person) -> None:
    await _at_phone_step(person)
    await person.share_contact("0912345678")


@pytest.mark.parametrize(
    "typed",
    [
        "An",  # one word
        "Nguyễn Văn 4n",  # a digit
        "Nguyễn_Văn An",  # a symbol
        "Nguyễn Văn An!",
        "<b>Nguyễn</b> An",
        "N" * 60 + " " + "A" * 60,  # longer than 100 characters
        "😀 Nguyễn",
    ],
)
async def test_bad_name_is_refused_and_asked_again(app: App, person: Person, typed: str) -> None:
    await person.send("/dangky")
    await person.send(typed)
    assert "Họ tên cần có ít nhất hai chữ" in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["step"] == "reg:name"
    assert "name" not in conv


async def test_name_typed_in_decomposed_unicode_is_stored_composed(
    app: App, person: Person
) -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Phạm Thị Ngọc Ánh")
    await person.register(name=decomposed)
    stored = await app.svc.participants.get(await person.participant_id())
    assert stored is not None
    assert stored.full_name == "Phạm Thị Ngọc Ánh"
    assert unicodedata.is_normalized("NFC", stored.full_name)


@pytest.mark.parametrize(
    "typed",
    [
        "12345",
        "091234567",  # nine digits
        "09123456789",  # eleven digits
        "0212345678",  # a landline, not a mobile
        "+1 415 555 0100",  # not Vietnamese
        "số của tôi",
        "",
    ],
)
async def test_bad_typed_phone_is_refused_and_asked_again(
    app: App, person: Person, typed: str
) -> None:
    await _at_phone_step(person)
    await person.send(typed)
    assert "Số điện thoại chưa đúng" in person.said
    assert person.messages()[-1].ask_contact
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["step"] == "reg:phone"
    assert "phone" not in conv


@pytest.mark.parametrize(
    "typed", ["0912.345.678", "84912345678", "(091) 234 5678", "+84 0912 345 678"]
)
async def test_typed_phone_in_common_forms_is_accepted(
    app: App, person: Person, typed: str
) -> None:
    await _at_phone_step(person)
    await person.send(typed)
    assert "3/6. Năm sinh" in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["phone"] == "+84912345678"


@pytest.mark.parametrize(
    "typed",
    ["1919", "2018", "2030", "90", "năm 1990", "19 90", "1990.5", "-1990", "²⁰⁰⁰", "abcd"],
)
async def test_bad_birth_year_is_refused_with_the_accepted_range(
    app: App, person: Person, typed: str
) -> None:
    await _at_birth_step(person)
    await person.send(typed)
    # The clock is in 2023: from 1920 up to six years ago.
    assert "Năm sinh cần là 4 chữ số từ 1920 đến 2017" in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["step"] == "reg:birth"
    assert "birth" not in conv


@pytest.mark.parametrize("typed", ["1920", "2017", " 1990 "])
async def test_birth_year_within_range_is_accepted(app: App, person: Person, typed: str) -> None:
    await _at_birth_step(person)
    await person.send(typed)
    assert "4/6." in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["birth"] == typed.strip()


async def test_a_birth_year_of_thousands_of_digits_is_refused_not_an_error(
    person: Person,
) -> None:
    await person.send("/dangky")
    await person.send("Nguyễn Văn An")
    await person.share_contact("0912345678")
    await person.send("1" * 5000)
    assert "Năm sinh cần là 4 chữ số" in person.said
    assert "Xin lỗi" not in person.said
