"""Outside a round: /thi says when the next round opens, or that none are left."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from handlers.rounds import reconcile
from tests.conftest import vn
from tests.support.client import Person


async def test_between_rounds_the_next_round_and_its_opening_are_named(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    clock.set(vn(2023, 3, 31, 8, 0))
    await reconcile(app.svc)
    await person.send("/thi")
    said = person.said
    assert "Hiện chưa có đợt thi nào đang mở" in said
    assert "Quý 2" in said
    assert "00:00 ngày 01/04/2023" in said
    assert await person.live() is None


async def test_after_close_before_the_scheduler_runs_no_attempt_starts(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    clock.set(vn(2023, 3, 31, 0, 0, 5))  # Q1 still marked open, but its window has passed
    await person.send("/thi")
    assert "Quý 2" in person.said
    assert "00:00 ngày 01/04/2023" in person.said
    assert await person.live() is None


async def test_round_due_to_open_but_not_yet_opened_is_named_as_the_next(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    clock.set(vn(2023, 4, 1, 0, 0, 30))  # Q2 should be open; the scheduler has not run yet
    await person.send("/thi")
    said = person.said
    assert "Quý 2" in said
    assert "Quý 3" not in said
    assert await person.live() is None

    await reconcile(app.svc)
    await person.send("/thi")
    assert "Quý 2" in person.said
    assert "Câu 1/10" in person.said


async def test_after_the_last_round_no_round_is_left(
    app: App, person: Person, clock: ManualClock
) -> None:
    await person.register()
    clock.set(vn(2023, 12, 1, 8, 0))
    await reconcile(app.svc)
    await person.send("/thi")
    assert "không còn đợt thi nào sắp tới" in person.said
    assert await person.live() is None


async def test_thi_before_registering_asks_to_register(app: App, person: Person) -> None:
    await person.send("/thi")
    assert "Bạn cần đăng ký trước khi thi" in person.said
    labels = [b.label for row in person.messages()[-1].buttons for b in row]
    assert labels == ["📝 Đăng ký"]
    assert await app.svc.store.live_count() == 0

    await person.tap("📝 Đăng ký")
    assert "1/6. Họ và tên" in person.said


async def test_menu_quiz_button_before_registering_asks_to_register(
    app: App, person: Person
) -> None:
    await person.tap_token("m:quiz")
    assert "Bạn cần đăng ký trước khi thi" in person.said
    assert await app.svc.store.live_count() == 0
