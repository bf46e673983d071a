"""Registration: "✏️ Sửa", pick a field, type the new value, see it in the summary, confirm."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.support.client import Person


async def _at_summary(person: Person) -> None:
    await person.answer_up_to_consent()
    await person.tap("✅ Đồng ý")
    assert "Thông tin đã đúng chưa?" in person.said


async def test_corrected_name_is_shown_and_saved(app: App, person: Person) -> None:
    await _at_summary(person)
    await person.tap("✏️ Sửa")
    assert "Bạn muốn sửa thông tin nào?" in person.said
    await person.tap("Họ tên")
    assert "Họ và tên" in person.said
    await person.send("Nguyễn Văn Bình")
    assert "Họ và tên: Nguyễn Văn Bình" in person.said
    assert "Thông tin đã đúng chưa?" in person.said
    assert await app.svc.participants.count() == 0

    await person.tap("✅ Xác nhận")
    stored = await app.svc.participants.get(await person.participant_id())
    assert stored is not None
    assert stored.full_name == "Nguyễn Văn Bình"
    assert stored.phone == "+84912345678"
    assert stored.birth_year == 1990
    assert stored.locality == "Hoa Lư"
    assert stored.unit == "Người dân"


@pytest.mark.parametrize(
    ("field", "steps", "shown", "attr", "value"),
    [
        ("Số điện thoại", [("send", "0987 654 321")], "0987***321", "phone", "+84987654321"),
        ("Năm sinh", [("send", "1975")], "Năm sinh: 1975", "birth_year", 1975),
        ("Địa bàn", [("tap", "Yên Mô")], "Địa bàn: Yên Mô", "locality", "Yên Mô"),
        ("Địa bàn", [("send", "yen khanh")], "Địa bàn: Yên Khánh", "locality", "Yên Khánh"),
        ("Đơn vị", [("send", "Sở Y tế")], "Đơn vị: Sở Y tế", "unit", "Sở Y tế"),
    ],
)
async def test_each_field_can_be_corrected_before_confirming(
    app: App,
    person: Person,
    field: str,
    steps: list[tuple[str, str]],
    shown: str,
    attr: str,
    value: object,
) -> None:
    await _at_summary(person)
    await person.tap("✏️ Sửa")
    await person.tap(field)
    for action, arg in steps:
        await (person.send(arg) if action == "send" else person.tap(arg))
    assert shown in person.said
    assert "Thông tin đã đúng chưa?" in person.said
    await person.tap("✅ Xác nhận")
    stored = await app.svc.participants.get(await person.participant_id())
    assert stored is not None
    assert getattr(stored, attr) == value


async def test_bad_value_while_correcting_is_refused_and_the_old_one_kept(
    app: App, person: Person
) -> None:
    await _at_summary(person)
    await person.tap("✏️ Sửa")
    await person.tap("Năm sinh")
    await person.send("3000")
    assert "Năm sinh cần là 4 chữ số" in person.said
    await person.send("1991")
    assert "Năm sinh: 1991" in person.said
    await person.tap("✅ Xác nhận")
    stored = await app.svc.participants.get(await person.participant_id())
    assert stored is not None
    assert stored.birth_year == 1991


async def test_registered_person_corrects_saved_details(app: App, person: Person) -> None:
    await person.register(unit="Sở Tư pháp")
    pid = await person.participant_id()
    await person.send("/dangky")
    await person.tap("✏️ Sửa")
    await person.tap("Đơn vị")
    await person.send("Sở Nội vụ")
    assert "Đơn vị: Sở Nội vụ" in person.said
    stored = await app.svc.participants.get(pid)
    assert stored is not None
    assert stored.unit == "Sở Tư pháp"  # not until confirmed

    await person.tap("✅ Xác nhận")
    assert "Đã cập nhật thông tin của Nguyễn Văn An" in person.said
    stored = await app.svc.participants.get(pid)
    assert stored is not None
    assert stored.unit == "Sở Nội vụ"
    assert await app.svc.participants.count() == 1
    assert await person.participant_id() == pid


async def test_field_button_outside_the_edit_step_changes_nothing(app: App, person: Person) -> None:
    await _at_summary(person)
    before = await app.svc.store.conversation(person.user.key)
    await person.tap_token("r:fix:name")
    assert person.notices() == ["Nút này không còn hiệu lực."]
    await person.tap("✏️ Sửa")
    await person.tap_token("r:fix:nonsense")
    assert person.notices() == ["Nút này không còn hiệu lực."]
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["step"] == "reg:edit"
    assert {k: v for k, v in conv.items() if k != "step"} == {
        k: v for k, v in before.items() if k != "step"
    }
