"""One person, one entry: a Zalo account linked with a code to a Telegram participant shares its
attempt limits, its live attempt and its one line in the ranking."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.clock import ManualClock
from handlers.rounds import round_results
from tests.engine.identity.linking import link
from tests.support.client import Person


async def _both(app: App) -> tuple[Person, Person]:
    telegram = Person.on(app, "telegram", "1001", "An")
    await telegram.register(name="Nguyễn Văn An", phone="0912345678")
    zalo = Person.on(app, "zalo", "z1", "An Nguyễn")
    await link(telegram, zalo)
    return telegram, zalo


@pytest.mark.parametrize(
    "typed",
    [
        "lienket {code}",
        "/lienket {code}",
        "Liên kết: {code}",
        "/liên kết {code}",
        "lien ket {code}",
    ],
)
async def test_a_code_typed_on_another_channel_links_the_account(app: App, typed: str) -> None:
    telegram = Person.on(app, "telegram", "1001", "An")
    await telegram.register(name="Nguyễn Văn An", phone="0912345678")
    zalo = Person.on(app, "zalo", "z1", "An Nguyễn")
    await link(telegram, zalo, typed)

    pid = await telegram.participant_id()
    assert await zalo.participant_id() == pid
    assert await app.svc.participants.count() == 1
    accounts = await app.svc.participants.accounts_of(pid)
    assert sorted((a.channel, a.channel_user_id) for a in accounts) == [
        ("telegram", "1001"),
        ("zalo", "z1"),
    ]


async def test_attempt_on_one_channel_uses_the_day_limit_on_the_other(
    app: App, clock: ManualClock
) -> None:
    telegram, zalo = await _both(app)
    await telegram.take_attempt(correct=6)
    assert "Bạn đã nộp bài" in telegram.said

    await zalo.send("/thi")
    assert "Hôm nay bạn đã thi 1/1 lượt" in zalo.said
    assert "21/02/2023" in zalo.said
    assert await zalo.live() is None

    clock.advance(days=1)
    await zalo.take_attempt(correct=8)
    assert "Bạn đã nộp bài" in zalo.said
    await telegram.send("/thi")
    assert "Hôm nay bạn đã thi 1/1 lượt" in telegram.said


async def test_two_channels_make_one_ranking_entry(app: App, clock: ManualClock) -> None:
    telegram, zalo = await _both(app)
    other = Person.on(app, "telegram", "2002", "Bình")
    await other.register(name="Trần Văn Bình", phone="0987654321")

    await telegram.take_attempt(correct=5)
    clock.advance(days=1)
    await zalo.take_attempt(correct=9)
    await other.take_attempt(correct=7)
    assert "Thứ hạng tạm thời trong đợt: 2/2" in other.said

    results = await round_results(app.svc, "2023-Q1")
    pid = await telegram.participant_id()
    assert [(r.participant_id, r.correct) for r in results.ranking] == [
        (pid, 9),
        (await other.participant_id(), 7),
    ]
    assert await app.svc.attempts.participants_in_round("2023-Q1") == 2

    await telegram.send("/diem")
    assert "Kết quả tốt nhất: 9/10" in telegram.said
    assert "Thứ hạng: 1/2 · Số lượt đã thi: 2" in telegram.said


async def test_attempt_started_on_one_channel_resumes_on_the_other(app: App) -> None:
    telegram, zalo = await _both(app)
    await telegram.send("/thi")
    await telegram.answer(right=True)
    started = await telegram.live()
    assert started is not None

    await zalo.send("/thi")
    assert "Bạn đang có một lượt thi dở" in zalo.said
    assert "Câu 2/10" in zalo.said
    live = await zalo.live()
    assert live is not None
    assert live.code == started.code
    assert live.next_index == 1
