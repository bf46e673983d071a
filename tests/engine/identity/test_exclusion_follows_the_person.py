"""Exclusion belongs to the person: an entry that ever held a phone of the organisers, jury or
secretariat wins nothing, whatever phone it holds when the round closes."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from handlers.rounds import reconcile, round_results
from tests.conftest import vn
from tests.support.client import Person

MEMBER_PHONE = "0911111111"


def _list_member(app: App) -> None:
    app.svc.contest = app.contest.model_copy(update={"excluded_phones": ["+84911111111"]})


async def _member_changes_phone_then_tops_the_round(app: App) -> tuple[int, int]:
    member = Person.on(app, "zalo", "member", "Tổ thư ký")
    await member.register(name="Vũ Văn Thư", phone=MEMBER_PHONE, typed_phone=True)
    await member.send("/dangky")
    await member.tap("✏️ Sửa")
    await member.tap("Số điện thoại")
    await member.send("0977000111")
    await member.tap("✅ Xác nhận")
    assert "Đã cập nhật thông tin" in member.said
    await member.take_attempt(correct=10)
    resident = Person.on(app, "telegram", "resident", "Lan")
    await resident.register(name="Ngô Thị Lan", phone="0988000222")
    await resident.take_attempt(correct=6)
    return await member.participant_id(), await resident.participant_id()


async def test_changing_the_listed_phone_before_closing_still_wins_nothing(
    app: App, clock: ManualClock
) -> None:
    _list_member(app)
    member_id, resident_id = await _member_changes_phone_then_tops_the_round(app)
    stored = await app.svc.participants.get(member_id)
    assert stored is not None
    assert stored.phone == "+84977000111"
    assert stored.excluded_at is not None

    clock.set(vn(2023, 3, 31, 0, 0, 1))
    await reconcile(app.svc)
    results = await round_results(app.svc, "2023-Q1")
    assert [r.participant_id for r in results.ranking] == [member_id, resident_id]
    assert [(a.tier, a.participant_id) for a in results.awards] == [("first", resident_id)]
    assert results.ineligible == {member_id: "excluded"}


async def test_a_phone_listed_only_before_closing_excludes_whoever_held_it_earlier(
    app: App, clock: ManualClock
) -> None:
    member_id, resident_id = await _member_changes_phone_then_tops_the_round(app)
    _list_member(app)  # the secretariat's list is completed late

    clock.set(vn(2023, 3, 31, 0, 0, 1))
    await reconcile(app.svc)
    results = await round_results(app.svc, "2023-Q1")
    assert [(a.tier, a.participant_id) for a in results.awards] == [("first", resident_id)]
    stored = await app.svc.participants.get(member_id)
    assert stored is not None
    assert stored.excluded_at is not None

    # Taken off the list afterwards, the entry stays excluded: it held the phone.
    app.svc.contest = app.contest.model_copy(update={"excluded_phones": []})
    assert (await round_results(app.svc, "2023-Q1")).ineligible == {member_id: "excluded"}
