"""Registration with the organisers' lists: a province of 129 communes and wards after the
2025 reform (two levels, province -> commune/ward) and 500 units, typed to search."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App
from bot.config import Settings
from handlers import identity
from tests.support.client import Person
from tests.support.lists import (
    PROVINCE,
    five_hundred_units,
    hoa_son_contest,
    matching,
)

THANH_HUNG = f"Phường Thanh Hưng, {PROVINCE}"


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    return settings.model_copy(update={"contest_file": hoa_son_contest(tmp_path)})


def _labels(person: Person) -> list[str]:
    return [b.label for row in person.messages()[-1].buttons for b in row]


async def _at_locality_step(person: Person) -> None:
    await person.answer_up_to_the_locality()


async def _at_unit_step(person: Person) -> None:
    await _at_locality_step(person)
    await person.send("thanh hung")
    assert "5/6." in person.said


async def _finish(person: Person) -> None:
    await person.tap("✅ Đồng ý")
    await person.tap("✅ Xác nhận")
    assert "Đăng ký thành công" in person.said


async def _stored(app: App, person: Person) -> tuple[str, str]:
    saved = await app.svc.participants.get(await person.participant_id())
    assert saved is not None
    return saved.locality, saved.unit


async def test_a_long_list_asks_to_type_part_of_a_name_and_offers_only_khac(
    app: App, person: Person
) -> None:
    await _at_locality_step(person)

    assert "4/6." in person.said
    assert "gõ tên địa bàn (không cần dấu, một phần của tên cũng được" in person.said
    assert _labels(person) == ["Khác"]


async def test_part_of_a_name_without_diacritics_offers_eight_matches_to_tap(
    app: App, person: Person
) -> None:
    await _at_locality_step(person)
    await person.send("thanh")

    expected = matching(list(app.contest.localities), "thanh")
    assert len(expected) > 8
    assert f"Có {len(expected)} địa bàn khớp với «thanh», dưới đây là 8 địa bàn đầu tiên" in (
        person.said
    )
    labels = _labels(person)
    assert len(labels) == 9
    assert labels[-1] == "Khác"
    assert set(labels[:8]) <= set(expected)
    conv = await app.svc.store.conversation(person.user.key)
    assert "locality" not in conv

    await person.tap(labels[3])
    assert "5/6." in person.said
    await person.tap("Người dân")
    await _finish(person)
    assert await _stored(app, person) == (labels[3], "Người dân")


@pytest.mark.parametrize("typed", ["thanh hung", "Thanh Hưng", "PHUONG THANH HUNG", THANH_HUNG])
async def test_a_whole_name_typed_is_taken_at_once_as_the_list_writes_it(
    app: App, person: Person, typed: str
) -> None:
    await _at_locality_step(person)
    await person.send(typed)

    assert "5/6." in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["locality"] == THANH_HUNG


async def test_a_ward_and_a_commune_of_one_name_are_both_offered(app: App, person: Person) -> None:
    await _at_locality_step(person)
    await person.send("dong hoa")

    assert "Có 2 địa bàn khớp với «dong hoa»" in person.said
    assert _labels(person) == [f"Phường Đông Hòa, {PROVINCE}", f"Xã Đông Hòa, {PROVINCE}", "Khác"]
    await person.tap(f"Xã Đông Hòa, {PROVINCE}")
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["locality"] == f"Xã Đông Hòa, {PROVINCE}"


async def test_a_name_with_no_match_says_so_and_offers_khac(app: App, person: Person) -> None:
    await _at_locality_step(person)
    await person.send("Hà Nội")

    assert "Không tìm thấy địa bàn nào khớp với «Hà Nội»" in person.said
    assert _labels(person) == ["Khác"]
    conv = await app.svc.store.conversation(person.user.key)
    assert (conv["step"], "locality" in conv) == ("reg:locality", False)


async def test_khac_keeps_the_name_typed_and_the_search_is_one_tap_away(
    app: App, person: Person
) -> None:
    await _at_locality_step(person)
    await person.tap("Khác")
    assert "Bạn gõ tên địa bàn nơi bạn sinh sống hoặc công tác" in person.said
    await person.tap("🔎 Tìm trong danh sách")
    assert "gõ tên địa bàn (không cần dấu" in person.said
    await person.tap("Khác")
    await person.send("  Xã Nam   Hải, huyện Kim Sơn ")

    assert "5/6." in person.said
    await person.tap("Người dân")
    await _finish(person)
    assert await _stored(app, person) == ("Xã Nam Hải, huyện Kim Sơn", "Người dân")


async def test_khac_with_a_name_from_the_list_stores_the_lists_spelling(
    app: App, person: Person
) -> None:
    await _at_locality_step(person)
    await person.tap("Khác")
    await person.send("phuong thanh hung")

    conv = await app.svc.store.conversation(person.user.key)
    assert conv["locality"] == THANH_HUNG


@pytest.mark.parametrize("typed", ["123", "x", "khác", "L" * 101])
async def test_khac_refuses_what_is_no_place_name(app: App, person: Person, typed: str) -> None:
    await _at_locality_step(person)
    await person.tap("Khác")
    await person.send(typed)

    assert "Tên địa bàn cần từ 2 đến 100 ký tự và có chữ cái" in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert (conv["step"], "locality" in conv) == ("reg:locality", False)


async def test_a_unit_among_500_is_found_by_part_of_its_name(app: App, person: Person) -> None:
    await _at_unit_step(person)
    assert "ví dụ: <i>" not in person.said  # markup, not shown as such
    assert _labels(person) == ["Người dân", "Khác"]

    await person.send("truong")
    schools = matching([n for n, _ in five_hundred_units()], "truong")
    assert f"Có {len(schools)} cơ quan, đơn vị khớp với «truong», dưới đây là 8" in person.said
    assert len(_labels(person)) == 10
    assert _labels(person)[-2:] == ["Người dân", "Khác"]

    await person.send("thcs thanh hung")
    assert "Có 1 cơ quan, đơn vị khớp với «thcs thanh hung»" in person.said
    assert _labels(person) == ["Trường THCS phường Thanh Hưng", "Người dân", "Khác"]
    await person.tap("Trường THCS phường Thanh Hưng")
    await _finish(person)
    assert await _stored(app, person) == (THANH_HUNG, "Trường THCS phường Thanh Hưng")


@pytest.mark.parametrize("typed", ["nguoi dan", "Người dân"])
async def test_nguoi_dan_is_there_whatever_the_list(app: App, person: Person, typed: str) -> None:
    await _at_unit_step(person)
    await person.send(typed)
    await _finish(person)
    assert await _stored(app, person) == (THANH_HUNG, "Người dân")


async def test_a_unit_not_in_the_list_is_kept_as_typed_after_khac(app: App, person: Person) -> None:
    await _at_unit_step(person)
    await person.send("cong ty hoa son")
    assert "Không tìm thấy cơ quan, đơn vị nào khớp với «cong ty hoa son»" in person.said
    await person.tap("Khác")
    await person.send("Công ty TNHH Hoa Sơn")
    await _finish(person)
    assert await _stored(app, person) == (THANH_HUNG, "Công ty TNHH Hoa Sơn")


@pytest.mark.parametrize(
    "token", ["r:loc:129", "r:loc:-1", "r:loc:9" * 8, "r:loc:resident", "r:unit:0"]
)
async def test_a_forged_or_misplaced_button_at_the_locality_step_changes_nothing(
    app: App, person: Person, token: str
) -> None:
    await _at_locality_step(person)
    await person.tap_token(token)

    assert person.notices() == ["Nút này không còn hiệu lực."]
    conv = await app.svc.store.conversation(person.user.key)
    assert (conv["step"], "locality" in conv) == ("reg:locality", False)


async def test_a_match_tapped_after_moving_on_changes_nothing(app: App, person: Person) -> None:
    await _at_locality_step(person)
    await person.send("dong hoa")
    await person.tap(f"Phường Đông Hòa, {PROVINCE}")
    await person.tap(f"Xã Đông Hòa, {PROVINCE}")  # the earlier message's other button

    assert person.notices() == ["Nút này không còn hiệu lực."]
    conv = await app.svc.store.conversation(person.user.key)
    assert (conv["step"], conv["locality"]) == ("reg:unit", f"Phường Đông Hòa, {PROVINCE}")


async def test_after_an_attempt_the_locality_is_corrected_by_searching_the_list(
    app: App, person: Person
) -> None:
    await person.register(locality=THANH_HUNG)
    await person.take_attempt(correct=5)
    await person.send("/dangky")
    await person.tap("✏️ Sửa")
    await person.tap("Địa bàn")
    await person.send("dong hoa")
    await person.tap(f"Xã Đông Hòa, {PROVINCE}")
    assert "Bạn kiểm tra lại thông tin" in person.said
    await person.tap("✅ Xác nhận")

    assert (await _stored(app, person))[0] == f"Xã Đông Hòa, {PROVINCE}"


async def test_an_organisers_correction_stores_a_listed_unit_as_the_list_writes_it(
    app: App, person: Person
) -> None:
    await person.register(locality=THANH_HUNG)
    await identity.edit(
        app.svc,
        await person.participant_id(),
        identity.Changes(unit="truong thcs phuong thanh hung", locality="xa dong hoa"),
        reason="Đơn số 3, đã gọi xác minh",
        actor="test",
    )

    assert await _stored(app, person) == (
        f"Xã Đông Hòa, {PROVINCE}",
        "Trường THCS phường Thanh Hưng",
    )
