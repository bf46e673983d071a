"""A typed phone that already belongs to another person cannot take over their entry."""

from __future__ import annotations

from bot.app import App
from tests.support.client import Person


async def test_typed_phone_of_another_person_with_another_name_is_refused(app: App) -> None:
    owner = Person.on(app, "telegram", "1", "Hoa")
    await owner.register(name="Trần Thị Hoa", phone="0912345678")
    stranger = Person.on(app, "zalo", "z9", "X")
    await stranger.send("/dangky")
    await stranger.send("Lê Văn Tám")
    await stranger.send("0912345678")
    await stranger.send("1980")
    await stranger.tap("Kim Sơn")
    await stranger.tap("Người dân")
    await stranger.tap("✅ Đồng ý")
    await stranger.tap("✅ Xác nhận")
    assert "đã được đăng ký với một họ tên khác" in stranger.said
    person = await app.svc.participants.by_phone("+84912345678")
    assert person is not None
    assert person.full_name == "Trần Thị Hoa"
    assert person.locality == "Hoa Lư"
    assert await app.svc.participants.by_account("zalo", "z9") is None


async def test_the_same_person_typing_their_phone_on_a_second_channel_joins_their_entry(
    app: App,
) -> None:
    first = Person.on(app, "telegram", "1", "Hoa")
    await first.register(name="Trần Thị Hoa", phone="0912345678")
    second = Person.on(app, "zalo", "z1", "Hoa")
    await second.register(name="trần thị hoa", phone="0912 345 678", typed_phone=True)
    one = await app.svc.participants.by_account("telegram", "1")
    two = await app.svc.participants.by_account("zalo", "z1")
    assert one is not None
    assert two is not None
    assert one.id == two.id


async def test_a_phone_shared_with_the_contact_button_is_trusted_whatever_the_name(
    app: App,
) -> None:
    first = Person.on(app, "zalo", "z1", "Hoa")
    await first.register(name="Trần Thị Hoa", phone="0912345678", typed_phone=True)
    second = Person.on(app, "telegram", "7", "Hoa")
    await second.register(name="Trần Thị Hoà", phone="+84912345678")
    one = await app.svc.participants.by_account("zalo", "z1")
    two = await app.svc.participants.by_account("telegram", "7")
    assert one is not None
    assert two is not None
    assert one.id == two.id
    assert two.full_name == "Trần Thị Hoà"


async def test_correcting_saved_details_says_they_were_updated(person: Person) -> None:
    await person.register()
    await person.send("/dangky")
    await person.tap("✏️ Sửa")
    await person.tap("Năm sinh")
    await person.send("1991")
    await person.tap("✅ Xác nhận")
    assert "Đã cập nhật thông tin của Nguyễn Văn An" in person.said
