"""Registration: the confirmed details are what is stored, and nothing is stored before that."""

from __future__ import annotations

from bot.app import App
from tests.support.client import Person


async def test_confirmed_registration_stores_details_with_normalised_phone(
    app: App, person: Person
) -> None:
    await person.send("/dangky")
    assert "1/6. Họ và tên" in person.said
    await person.send("  Trần   Thị  Hoa ")
    assert "2/6. Số điện thoại" in person.said
    assert person.messages()[-1].ask_contact
    await person.share_contact("0987 654 321")
    assert "3/6. Năm sinh" in person.said
    await person.send("1985")
    assert "4/6." in person.said
    await person.tap("Kim Sơn")
    assert "5/6." in person.said
    await person.send("UBND huyện Kim Sơn")
    assert "6/6." in person.said
    await person.tap("✅ Đồng ý")
    said = person.said
    assert "Họ và tên: Trần Thị Hoa" in said
    assert "Số điện thoại: 0987***321" in said
    assert "Năm sinh: 1985" in said
    assert "Địa bàn: Kim Sơn" in said
    assert "Đơn vị: UBND huyện Kim Sơn" in said

    await person.tap("✅ Xác nhận")
    assert "Đăng ký thành công" in person.said
    assert "Trần Thị Hoa" in person.said

    stored = await app.svc.participants.by_account("telegram", "1001")
    assert stored is not None
    assert stored.full_name == "Trần Thị Hoa"
    assert stored.phone == "+84987654321"
    assert stored.birth_year == 1985
    assert stored.locality == "Kim Sơn"
    assert stored.unit == "UBND huyện Kim Sơn"
    assert stored.consent_at == app.svc.clock.now()
    assert await app.svc.participants.count() == 1
    assert await app.svc.store.conversation(person.user.key) == {}


async def test_phone_in_international_form_is_stored_as_plus_84(app: App, person: Person) -> None:
    await person.register(phone="+84 912-345-678", typed_phone=True)
    stored = await app.svc.participants.by_phone("+84912345678")
    assert stored is not None
    assert stored.id == await person.participant_id()


async def test_nothing_is_saved_until_the_summary_is_confirmed(app: App, person: Person) -> None:
    await person.answer_up_to_consent()
    await person.tap("✅ Đồng ý")
    assert "Thông tin đã đúng chưa?" in person.said
    assert await app.svc.participants.count() == 0
    assert await app.svc.participants.by_account("telegram", "1001") is None

    # Typing instead of confirming does not save either: the summary is asked again.
    await person.send("đúng rồi")
    assert "nút" in person.said
    assert "Thông tin đã đúng chưa?" in person.said
    assert await app.svc.participants.count() == 0

    # /thi before confirming is refused, and still nothing is saved.
    await person.send("/thi")
    assert "hoàn tất đăng ký" in person.said
    assert await app.svc.participants.count() == 0

    await person.tap("✅ Xác nhận")
    assert await app.svc.participants.count() == 1


async def test_cancelling_midway_saves_nothing(app: App, person: Person) -> None:
    await person.send("/dangky")
    await person.send("Nguyễn Văn An")
    await person.share_contact("0912345678")
    await person.send("/huy")
    assert "Đã huỷ" in person.said
    assert await app.svc.participants.count() == 0
    assert await app.svc.store.conversation(person.user.key) == {}
