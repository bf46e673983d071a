"""Registration: a registered person doing /dangky sees their details instead of starting over."""

from __future__ import annotations

from bot.app import App
from tests.support.client import Person


async def test_registered_person_sees_their_saved_details(app: App, person: Person) -> None:
    await person.register(name="Lê Văn Tám", phone="0903123456", birth="1980", locality="Yên Mô")
    await person.send("/dangky")
    said = person.said
    assert "Bạn đã đăng ký với thông tin" in said
    assert "Họ và tên: Lê Văn Tám" in said
    assert "Số điện thoại: 0903***456" in said
    assert "Năm sinh: 1980" in said
    assert "Địa bàn: Yên Mô" in said
    assert "Đơn vị: Người dân" in said
    labels = [b.label for row in person.messages()[-1].buttons for b in row]
    assert labels == ["✏️ Sửa", "✍️ Vào thi"]
    assert await app.svc.store.conversation(person.user.key) == {}
    assert await app.svc.participants.count() == 1
