"""Registration: locality typed with or without diacritics, and the unit typed or "Người dân"."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.support.client import Person


async def _at_locality_step(person: Person) -> None:
    await person.answer_up_to_the_locality()


async def _at_unit_step(person: Person) -> None:
    await _at_locality_step(person)
    await person.tap("Hoa Lư")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Hoa Lư", "Hoa Lư"),
        ("hoa lu", "Hoa Lư"),
        ("HOA LƯ", "Hoa Lư"),
        ("  hoa   lư ", "Hoa Lư"),
        ("gia vien", "Gia Viễn"),
        ("thanh pho tam diep", "Thành phố Tam Điệp"),
        ("Thành Phố Ninh Bình", "Thành phố Ninh Bình"),
        ("kim son", "Kim Sơn"),
    ],
)
async def test_typed_locality_matches_the_list_with_or_without_diacritics(
    app: App, person: Person, typed: str, stored: str
) -> None:
    await _at_locality_step(person)
    await person.send(typed)
    assert "5/6." in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["locality"] == stored


@pytest.mark.parametrize("typed", ["Hà Nội", "Hoa Lư Ninh Bình", "1", "%%%"])
async def test_locality_matching_nothing_is_refused_and_the_list_shown_again(
    app: App, person: Person, typed: str
) -> None:
    await _at_locality_step(person)
    await person.send(typed)
    assert "Không tìm thấy địa bàn nào khớp với" in person.said
    labels = [b.label for row in person.messages()[-1].buttons for b in row]
    assert labels == [*app.contest.localities, "Khác"]
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["step"] == "reg:locality"
    assert "locality" not in conv


async def test_part_of_a_name_offers_the_matches_and_stores_nothing_until_one_is_picked(
    app: App, person: Person
) -> None:
    await _at_locality_step(person)
    await person.send("yen")
    assert "Có 2 địa bàn khớp với «yen»" in person.said
    labels = [b.label for row in person.messages()[-1].buttons for b in row]
    assert labels == ["Yên Mô", "Yên Khánh", "Khác"]
    conv = await app.svc.store.conversation(person.user.key)
    assert "locality" not in conv
    await person.tap("Yên Khánh")
    assert "5/6." in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["locality"] == "Yên Khánh"


@pytest.mark.parametrize("token", ["r:loc:99", "r:loc:-1", "r:loc:x", "r:loc:²", "r:loc:"])
async def test_forged_locality_button_changes_nothing(app: App, person: Person, token: str) -> None:
    await _at_locality_step(person)
    await person.tap_token(token)
    assert person.notices() == ["Nút này không còn hiệu lực."]
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["step"] == "reg:locality"
    assert "locality" not in conv


async def test_locality_button_tapped_at_another_step_changes_nothing(
    app: App, person: Person
) -> None:
    await _at_unit_step(person)
    await person.tap_token("r:loc:0")
    assert person.notices() == ["Nút này không còn hiệu lực."]
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["step"] == "reg:unit"
    assert conv["locality"] == "Hoa Lư"


async def test_typed_unit_is_stored_as_typed(app: App, person: Person) -> None:
    await person.register(unit="Trường THCS Ninh Hải")
    stored = await app.svc.participants.get(await person.participant_id())
    assert stored is not None
    assert stored.unit == "Trường THCS Ninh Hải"


async def test_resident_button_stores_nguoi_dan(app: App, person: Person) -> None:
    await person.register()
    stored = await app.svc.participants.get(await person.participant_id())
    assert stored is not None
    assert stored.unit == "Người dân"


@pytest.mark.parametrize("typed", ["nguoi dan", "Người dân", "NGƯỜI DÂN", " người  dân "])
async def test_typed_resident_is_stored_as_nguoi_dan(app: App, person: Person, typed: str) -> None:
    await _at_unit_step(person)
    await person.send(typed)
    assert "6/6." in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["unit"] == "Người dân"


@pytest.mark.parametrize("typed", ["x", "U" * 201])
async def test_unit_too_short_or_too_long_is_refused(app: App, person: Person, typed: str) -> None:
    await _at_unit_step(person)
    await person.send(typed)
    assert "Tên cơ quan, đơn vị cần từ 2 đến 200 ký tự" in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["step"] == "reg:unit"
    assert "unit" not in conv
