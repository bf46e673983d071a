"""Identity is frozen once the entry has an attempt, stored or in progress: the participant may
still correct the locality and the unit; name, phone and year of birth only the organisers."""

from __future__ import annotations

from bot.app import App
from tests.engine.identity.linking import link
from tests.support.client import Person


def _labels(person: Person) -> list[str]:
    return [b.label for row in person.messages()[-1].buttons for b in row]


async def test_before_any_attempt_every_field_can_be_corrected(person: Person) -> None:
    await person.register()
    await person.send("/dangky")
    await person.tap("✏️ Sửa")
    assert _labels(person) == ["Họ tên", "Số điện thoại", "Năm sinh", "Địa bàn", "Đơn vị"]


async def test_an_attempt_in_progress_locks_name_phone_and_birth_year(
    app: App, person: Person
) -> None:
    await person.register(birth="1990")
    await person.send("/thi")
    await person.answer(right=True)

    await person.send("/dangky")
    await person.tap("✏️ Sửa")
    assert "họ tên, số điện thoại và năm sinh đã được khoá" in person.said
    assert _labels(person) == ["Địa bàn", "Đơn vị"]
    await person.tap("Đơn vị")
    await person.send("Sở Văn hóa và Thể thao")
    await person.tap("✅ Xác nhận")
    assert "Đã cập nhật thông tin" in person.said

    stored = await app.svc.participants.get(await person.participant_id())
    assert stored is not None
    assert (stored.birth_year, stored.unit) == (1990, "Sở Văn hóa và Thể thao")


async def test_an_edit_left_open_while_an_attempt_begins_elsewhere_changes_nothing(
    app: App, person: Person
) -> None:
    await person.register(name="Nguyễn Văn An", birth="1990")
    zalo = Person.on(app, "zalo", "z1", "An")
    await link(person, zalo)
    await person.send("/dangky")
    await person.tap("✏️ Sửa")
    await person.tap("Năm sinh")
    await person.send("1991")
    assert "Bạn kiểm tra lại thông tin" in person.said

    await zalo.send("/thi")
    await person.tap("✅ Xác nhận")
    assert "không tự sửa được họ tên, số điện thoại và năm sinh" in person.said
    stored = await app.svc.participants.get(await person.participant_id())
    assert stored is not None
    assert stored.birth_year == 1990
