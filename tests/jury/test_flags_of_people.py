"""Flags that come from who the entries are: one Zalo account that moved from one entry to
another joins them, and two entries with one name and year of birth are namesakes; the entry
a link discarded is gone, so it is named by no flag."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from handlers.jury.review import review
from handlers.rounds import close_round
from tests.conftest import vn
from tests.jury.planted import take
from tests.support.client import Person


async def test_an_account_moved_between_entries_and_namesakes_are_flagged(
    app: App, clock: ManualClock
) -> None:
    svc = app.svc
    binh = Person.on(app, "telegram", "21", "Bình")
    await binh.register(name="Trần Văn Bình", phone="0987100021")
    zalo = Person.on(app, "zalo", "z21", "Z")
    await zalo.register(name="Trần Văn Bình Hai", phone="0987100029", typed_phone=True)
    discarded = await zalo.participant_id()
    an = Person.on(app, "telegram", "22", "An")
    await an.register(name="Lê Văn An", phone="0987100022")
    an_twin = Person.on(app, "telegram", "23", "An 2")
    await an_twin.register(name="Lê Văn An", phone="0987100023")
    b, a, twin = [await p.participant_id() for p in (binh, an, an_twin)]
    now = clock.now()
    # The Zalo account joins Bình's entry (its own, empty, is discarded), then An's.
    await svc.identities.link(b, channel="zalo", channel_user_id="z21", display_name="Z", now=now)
    await svc.identities.link(a, channel="zalo", channel_user_id="z21", display_name="Z", now=now)
    for person, right in ((binh, 9), (an, 8), (an_twin, 7)):
        await take(person, clock, correct=right, prediction=50, seconds=8)
    clock.set(vn(2023, 3, 31, 9, 0))
    await close_round(svc, "2023-Q1", actor="scheduler")

    page = await review(svc, "2023-Q1", 1)
    reasons = {e.place.participant_id: e.reasons for e in page.entries}
    assert reasons[b] == [f"Cùng lịch sử tài khoản với bài #{a}"]
    assert reasons[a] == [
        f"Cùng lịch sử tài khoản với bài #{b}",
        f"Trùng họ tên và năm sinh với bài #{twin}",
    ]
    assert reasons[twin] == [f"Trùng họ tên và năm sinh với bài #{a}"]
    assert all(f"#{discarded}" not in r for rs in reasons.values() for r in rs)
