"""No participant can see another's score: /diem and every way of asking show only one's own.

Two participants finish attempts with different scores, times and predictions. Whatever the
first one types or taps (/diem with the other's phone, id or name, the score button, forged
tokens naming the other), nothing of the other's result, phone or name reaches them.
"""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from tests.support.client import Person


async def test_a_participant_sees_only_their_own_score_however_they_ask(
    app: App, clock: ManualClock
) -> None:
    an = Person.on(app, "telegram", "1001", "An")
    await an.register(name="Nguyễn Văn An", phone="0912345678")
    await an.take_attempt(correct=3, prediction=111)
    binh = Person.on(app, "zalo", "z2", "Bình")
    await binh.register(
        name="Trần Thị Bình", phone="0987654321", locality="Kim Sơn", typed_phone=True
    )
    clock.advance(seconds=30)
    await binh.take_attempt(correct=9, prediction=98765)
    binh_id = await binh.participant_id()
    theirs = ["98.765", "98765", "9/10", "Bình", "0987", "987654321", "Kim Sơn"]

    asks = [
        "/diem",
        "/diem 0987654321",
        "/diem +84987654321",
        f"/diem {binh_id}",
        "/diem Trần Thị Bình",
        "/ketqua z2",
        "/score zalo:z2",
        f"/start {binh_id}",
        "0987654321",
        "Trần Thị Bình",
    ]
    for ask in asks:
        await an.send(ask)
        for word in theirs:
            assert word not in an.said, (ask, word, an.said)
    await an.send("/diem")
    assert "3/10" in an.said
    assert "111" in an.said

    for token in ("m:score", f"m:score:{binh_id}", f"score:{binh_id}", "m:score:z2", "a:z2:0:0"):
        await an.tap_token(token)
        for word in theirs:
            assert word not in an.said, (token, word, an.said)
