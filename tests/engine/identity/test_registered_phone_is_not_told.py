"""Whether a phone is registered cannot be learnt from the bot: registering with a phone typed
by someone else, verified by someone else or held by nobody gets the same words, and one
account can try only a few phones a day (the public workbook shows 0987***321: a thousand
fillings must not be tried)."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from tests.support.client import Person


async def _registering(app: App, uid: str, phone: str) -> list[str]:
    """What a Zalo newcomer reads from typing the phone to the saved registration."""
    prober = Person.on(app, "zalo", uid, "Thử")
    await prober.send("/dangky")
    await prober.send("Phạm Văn Thử")
    read = Person.texts(await prober.send(phone))
    read += Person.texts(await prober.send("1990"))
    for label in ("Hoa Lư", "Người dân", "✅ Đồng ý", "✅ Xác nhận"):
        read += Person.texts(await prober.tap(label))
    return read


async def test_the_replies_are_the_same_whoever_holds_the_phone(app: App) -> None:
    typed = Person.on(app, "zalo", "owner-typed", "Cường")
    await typed.register(name="Lê Văn Cường", phone="0987000321", typed_phone=True)
    verified = Person.on(app, "telegram", "owner-verified", "Dung")
    await verified.register(name="Phạm Thị Dung", phone="0987111321")

    # The three phones are masked alike (0987***321), as the public workbook shows them.
    on_typed = await _registering(app, "p1", "0987000321")
    on_verified = await _registering(app, "p2", "0987111321")
    on_free = await _registering(app, "p3", "0987222321")

    assert on_typed == on_verified == on_free
    assert "Số điện thoại: 0987***321" in on_free[-2]
    assert on_free[-1].startswith("🎉 Đăng ký thành công!")


async def test_an_account_may_give_three_different_phones_a_day(
    app: App, clock: ManualClock
) -> None:
    prober = Person.on(app, "zalo", "prober", "Thử")

    async def phone_step(phone: str) -> str:
        await prober.send("/huy")
        await prober.send("/dangky")
        await prober.send("Phạm Văn Thử")
        await prober.send(phone)
        return prober.said

    for phone in ("0987000321", "0987001321", "0987002321"):
        assert "3/6. Năm sinh" in await phone_step(phone)
    refused = await phone_step("0987003321")
    assert "đã nhập 3 số điện thoại khác nhau, là mức tối đa trong một ngày" in refused
    assert (await app.svc.store.conversation(prober.user.key))["step"] == "reg:phone"
    assert "3/6. Năm sinh" in await phone_step("0987001321")  # one given today already

    clock.advance(days=1)
    assert "3/6. Năm sinh" in await phone_step("0987003321")
