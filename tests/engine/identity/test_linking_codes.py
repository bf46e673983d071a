"""Linking codes: given only to a registered account, used once, for ten minutes, one live code
per entry; wrong codes are limited per account and day; an account with attempts of its own is
never linked, one without gives up its empty entry."""

from __future__ import annotations

from datetime import timedelta

from bot.app import App
from bot.clock import ManualClock
from tests.engine.identity.linking import code_of, link
from tests.support.client import Person


async def _registered(app: App) -> Person:
    telegram = Person.on(app, "telegram", "1001", "An")
    await telegram.register(name="Nguyễn Văn An", phone="0912345678")
    return telegram


async def test_an_unregistered_account_is_told_how_linking_works(app: App) -> None:
    newcomer = Person.on(app, "zalo", "z1", "An")
    await newcomer.send("liên kết")
    assert "trên tài khoản đã đăng ký, gõ /lienket để lấy mã" in newcomer.said
    await newcomer.send("/dangky")
    assert "gõ /lienket để lấy mã, rồi gõ ở đây lienket và mã đó" in newcomer.said


async def test_a_code_links_once_and_only_for_ten_minutes(app: App, clock: ManualClock) -> None:
    telegram = await _registered(app)
    code = await code_of(telegram)
    assert "hết hạn sau 10 phút" in telegram.said
    first = Person.on(app, "zalo", "z1", "An")
    await first.send(f"lienket {code}")
    assert "Đã liên kết" in first.said
    second = Person.on(app, "zalo", "z2", "Kẻ gian")
    await second.send(f"lienket {code}")
    assert "Mã liên kết không đúng hoặc đã hết hạn" in second.said

    late = Person.on(app, "console", "c1", "An")
    code = await code_of(telegram)
    clock.advance(minutes=10, seconds=1)
    await late.send(f"lienket {code}")
    assert "Mã liên kết không đúng hoặc đã hết hạn" in late.said
    assert await app.svc.participants.by_account("console", "c1") is None


async def test_a_new_code_replaces_the_earlier_one(app: App) -> None:
    telegram = await _registered(app)
    old = await code_of(telegram)
    new = await code_of(telegram)
    zalo = Person.on(app, "zalo", "z1", "An")
    await zalo.send(f"lienket {old}")
    assert "Mã liên kết không đúng hoặc đã hết hạn" in zalo.said
    await zalo.send(f"lienket {new}")
    assert "Đã liên kết" in zalo.said


async def test_five_wrong_codes_a_day_stop_an_account_from_guessing(
    app: App, clock: ManualClock
) -> None:
    telegram = await _registered(app)
    guesser = Person.on(app, "zalo", "z9", "Đoán")
    for guess in ("00000000", "11111111", "22222222", "123", "33333333"):
        await guesser.send(f"lienket {guess}")
        assert "Mã liên kết không đúng" in guesser.said
    code = await code_of(telegram)
    await guesser.send(f"lienket {code}")
    assert "đã nhập sai mã liên kết 5 lần" in guesser.said
    assert await app.svc.participants.by_account("zalo", "z9") is None

    clock.advance(days=1)
    await guesser.send(f"lienket {code}")
    assert "Mã liên kết không đúng hoặc đã hết hạn" in guesser.said  # expired meanwhile
    await guesser.send(f"lienket {await code_of(telegram)}")
    assert "Đã liên kết" in guesser.said


async def test_an_account_with_attempts_of_its_own_is_not_linked(app: App) -> None:
    telegram = await _registered(app)
    zalo = Person.on(app, "zalo", "z1", "An")
    await zalo.register(name="Nguyễn Văn An", phone="0912345678", typed_phone=True)
    await zalo.take_attempt(correct=4)
    own = await zalo.participant_id()

    code = await code_of(telegram)
    await zalo.send(f"lienket {code}")
    assert "đã có lượt thi của riêng nó" in zalo.said
    assert await zalo.participant_id() == own
    # The code was not used up by the refusal.
    other = Person.on(app, "console", "c1", "An")
    await other.send(f"lienket {code}")
    assert "Đã liên kết" in other.said


async def test_an_account_registered_without_attempts_leaves_its_empty_entry(app: App) -> None:
    telegram = await _registered(app)
    zalo = Person.on(app, "zalo", "z1", "An")
    await zalo.register(name="Nguyen Van An", phone="0912345678", typed_phone=True)
    empty = await zalo.participant_id()

    await link(telegram, zalo)
    assert await zalo.participant_id() == await telegram.participant_id()
    assert await app.svc.participants.get(empty) is None
    assert await app.svc.participants.count() == 1


async def test_an_entry_has_one_account_per_channel(app: App) -> None:
    telegram = await _registered(app)
    again = Person.on(app, "telegram", "2002", "An (máy mới)")
    await again.send(f"lienket {await code_of(telegram)}")
    assert "đã có một tài khoản trên ứng dụng này" in again.said
    assert await app.svc.participants.by_account("telegram", "2002") is None


async def test_sharing_a_phone_another_telegram_account_verified_points_to_linking(
    app: App,
) -> None:
    await _registered(app)
    new_account = Person.on(app, "telegram", "2002", "An")
    await new_account.send("/dangky")
    await new_account.send("Nguyễn Văn An")
    await new_account.share_contact("0912345678")
    assert "đã được xác thực cho một tài khoản Telegram khác" in new_account.said
    assert "/lienket" in new_account.said
    assert (await app.svc.store.conversation(new_account.user.key))["step"] == "reg:phone"


async def test_an_owner_who_registered_twice_joins_the_entry_with_attempts_by_code(
    app: App, clock: ManualClock
) -> None:
    """Zalo first (typed, with an attempt), then the contact button on Telegram: the Zalo
    entry is held; linking the Telegram account to it with the Zalo code discards the empty
    Telegram entry, and the phone it proved makes the Zalo entry verified and free again."""
    zalo = Person.on(app, "zalo", "z1", "Hoa")
    await zalo.register(name="Trần Thị Hoa", phone="0912345678", typed_phone=True)
    await zalo.take_attempt(correct=7)
    entry = await zalo.participant_id()
    telegram = Person.on(app, "telegram", "1001", "Hoa")
    await telegram.register(name="Trần Thị Hoa", phone="0912345678")
    held = await app.svc.participants.get(entry)
    assert held is not None
    assert held.held_reason == "phone_claimed"

    clock.advance(timedelta(minutes=3))
    await link(zalo, telegram)
    assert await telegram.participant_id() == entry
    joined = await app.svc.participants.get(entry)
    assert joined is not None
    assert (joined.phone_verified, joined.held_at) == (True, None)
    assert await app.svc.participants.count() == 1
    await telegram.send("/diem")
    assert "Kết quả tốt nhất: 7/10" in telegram.said
