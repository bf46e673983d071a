"""One person, one entry: Telegram and Zalo accounts with the same phone are one participant."""

from __future__ import annotations

from bot.app import App
from bot.clock import ManualClock
from handlers.rounds import round_results
from tests.support.client import Person


async def _both(app: App, person: Person) -> Person:
    await person.register(name="Nguyễn Văn An", phone="0912345678")
    zalo = Person.on(app, "zalo", "z1", "An Nguyễn")
    await zalo.register(name="Nguyễn Văn An", phone="+84 912 345 678", typed_phone=True)
    return zalo


async def test_same_phone_on_two_channels_is_one_participant_with_two_accounts(
    app: App, person: Person
) -> None:
    zalo = await _both(app, person)
    pid = await person.participant_id()
    assert await zalo.participant_id() == pid
    assert await app.svc.participants.count() == 1
    accounts = await app.svc.participants.accounts_of(pid)
    assert sorted((a.channel, a.channel_user_id) for a in accounts) == [
        ("telegram", "1001"),
        ("zalo", "z1"),
    ]


async def test_attempt_on_one_channel_uses_the_day_limit_on_the_other(
    app: App, person: Person, clock: ManualClock
) -> None:
    zalo = await _both(app, person)
    await person.take_attempt(correct=6)
    assert "Bạn đã nộp bài" in person.said

    await zalo.send("/thi")
    assert "Hôm nay bạn đã thi 1/1 lượt" in zalo.said
    assert "21/02/2023" in zalo.said
    assert await zalo.live() is None

    clock.advance(days=1)
    await zalo.take_attempt(correct=8)
    assert "Bạn đã nộp bài" in zalo.said
    await person.send("/thi")
    assert "Hôm nay bạn đã thi 1/1 lượt" in person.said


async def test_two_channels_make_one_ranking_entry(
    app: App, person: Person, clock: ManualClock
) -> None:
    zalo = await _both(app, person)
    other = Person.on(app, "telegram", "2002", "Bình")
    await other.register(name="Trần Văn Bình", phone="0987654321")

    await person.take_attempt(correct=5)
    clock.advance(days=1)
    await zalo.take_attempt(correct=9)
    await other.take_attempt(correct=7)
    assert "Thứ hạng tạm thời trong đợt: 2/2" in other.said

    results = await round_results(app.svc, "2023-Q1")
    pid = await person.participant_id()
    assert [(r.participant_id, r.correct) for r in results.ranking] == [
        (pid, 9),
        (await other.participant_id(), 7),
    ]
    assert await app.svc.attempts.participants_in_round("2023-Q1") == 2

    await person.send("/diem")
    assert "Kết quả tốt nhất: 9/10" in person.said
    assert "Thứ hạng: 1/2 · Số lượt đã thi: 2" in person.said


async def test_attempt_started_on_one_channel_resumes_on_the_other(
    app: App, person: Person
) -> None:
    zalo = await _both(app, person)
    await person.send("/thi")
    await person.answer(right=True)
    started = await person.live()
    assert started is not None

    await zalo.send("/thi")
    assert "Bạn đang có một lượt thi dở" in zalo.said
    assert "Câu 2/10" in zalo.said
    live = await zalo.live()
    assert live is not None
    assert live.code == started.code
    assert live.next_index == 1
