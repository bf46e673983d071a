"""Registration: declining consent to personal-data processing saves nothing."""

from __future__ import annotations

from bot.app import App
from tests.support.client import Person


async def test_declining_consent_saves_nothing_and_forgets_the_draft(
    app: App, person: Person
) -> None:
    await person.answer_up_to_consent()
    assert "Đồng ý xử lý dữ liệu cá nhân" in person.said
    await person.tap("Không đồng ý")
    assert "thông tin không được lưu" in person.said
    assert await app.svc.participants.count() == 0
    assert await app.svc.store.conversation(person.user.key) == {}

    # The draft is gone: a stale confirm button does nothing, and /thi still needs registering.
    await person.tap_token("r:confirm")
    assert person.notices() == ["Nút này không còn hiệu lực."]
    await person.send("/thi")
    assert "Bạn cần đăng ký trước khi thi" in person.said
    assert await app.svc.participants.count() == 0


async def test_typed_answer_to_consent_is_not_taken_as_agreement(app: App, person: Person) -> None:
    await person.answer_up_to_consent()
    await person.send("đồng ý")
    assert "nút" in person.said
    conv = await app.svc.store.conversation(person.user.key)
    assert conv["step"] == "reg:consent"
    assert "consent" not in conv
