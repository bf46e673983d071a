"""A chat that refuses the bot never stops the calendar: not the catch-up, not a round opening
or closing, not anyone else's messages. It is tried a few times, given up on, and shown to the
organisers in /admin.

The first two go through the real Telegram channel to the fake Bot API, which answers a chat it
does not know 400 "chat not found" as Telegram does.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.broadcast import MAX_TRIES, Broadcaster
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.session import make_bot
from bot.clock import ManualClock
from bot.pacer import Pacer
from bot.scheduler import ContestJobs, LeaderLock, Scheduler
from tests.conftest import vn
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.conftest import TOKEN
from tests.scheduler.conftest import ORGANISER, lead, people, send_with_retries
from tests.scheduler.recording import RecordingChannel
from tests.support.client import Person

ANNOUNCE_CHAT = "-1001234567890"  # a channel the bot was never added to
WRONG_ORGANISER = "424242"  # a mistyped id in TELEGRAM_ADMIN_IDS

# Closing announces the winners at once here (contest.yaml results.approval: auto).
pytestmark = pytest.mark.usefixtures("auto_approval")


@pytest.fixture
async def telegram(app: App) -> AsyncIterator[tuple[FakeTelegram, TelegramChannel]]:
    # Paced as `quizbot run` paces it: the fake refuses bursts to one chat as Telegram does.
    pacer = Pacer(app.store.redis, app.store.keys.prefix, "telegram")
    async with FakeTelegram(TOKEN) as tg, make_bot(TOKEN, tg.base_url, pacer=pacer) as bot:
        yield tg, TelegramChannel(bot, app.engine, app.store, app.svc.texts)


def _broadcaster(app: App, clock: ManualClock, channel: TelegramChannel) -> Broadcaster:
    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)

    return Broadcaster(app.svc, {"telegram": channel}, rates={"telegram": 25}, sleep=sleep)


def _documents(tg: FakeTelegram, chat: int) -> list[str]:
    return [m.document.filename or "" for m in tg.sent_to(chat) if m.document is not None]


async def test_an_announcement_chat_that_refuses_the_bot_stops_nothing(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    telegram: tuple[FakeTelegram, TelegramChannel],
) -> None:
    tg, channel = telegram
    app.svc.announce_to = frozenset({f"telegram:{ANNOUNCE_CHAT}"})
    taker, _other = await people(app, 2)
    tg.user(1)
    tg.user(2)
    tg.user(int(ORGANISER))
    await taker.take_attempt(correct=7)
    clock.set(vn(2023, 4, 2, 9, 0))  # the bot was down over Q1's close and Q2's opening

    await lead(scheduler)
    await send_with_retries(_broadcaster(app, clock, channel), clock)

    q1, q2 = await app.svc.rounds.get("2023-Q1"), await app.svc.rounds.get("2023-Q2")
    assert q1 is not None
    assert q2 is not None
    assert (q1.status, q2.status) == ("closed", "open")
    assert scheduler.caught_up
    assert _documents(tg, int(ORGANISER)) == [
        "ket-qua-2023-Q1-noi-bo.xlsx",
        "giay-chung-nhan-2023-Q1.zip",
    ]
    to_taker = [m.text or "" for m in tg.sent_to(1)]
    assert sum("Chúc mừng" in t for t in to_taker) == 1
    assert sum("Kết quả Quý 1" in t for t in to_taker) == 1
    assert sum("Quý 2 của Cuộc thi" in t for t in to_taker) == 1
    assert ["Quý 2 của Cuộc thi" in (m.text or "") for m in tg.sent_to(2)] == [True]
    # The chat was tried a few times for each of its two posts, then given up on.
    refused = [r for r in tg.calls("sendMessage") if r.params.get("chat_id") == ANNOUNCE_CHAT]
    assert len(refused) == 2 * MAX_TRIES
    assert {r.description for r in refused} == {"Bad Request: chat not found"}

    organiser = Person.on(app, "telegram", ORGANISER)
    await organiser.send("/admin")
    assert "Chưa gửi được" in organiser.said
    assert f"kênh thông báo {ANNOUNCE_CHAT}" in organiser.said
    assert "chat not found" in organiser.said


async def test_a_wrong_organiser_id_neither_stops_the_opening_nor_repeats_the_workbook(
    app: App, clock: ManualClock, telegram: tuple[FakeTelegram, TelegramChannel]
) -> None:
    tg, channel = telegram
    app.svc.admins = frozenset({f"telegram:{ORGANISER}", f"telegram:{WRONG_ORGANISER}"})
    (taker,) = await people(app, 1)
    tg.user(1)
    tg.user(int(ORGANISER))
    await taker.take_attempt(correct=5)
    clock.set(vn(2023, 4, 2, 9, 0))

    for restart in range(3):  # three starts of the bot, each catching up and sending
        lock = LeaderLock(app.store.redis, "test:leader", owner=f"process-{restart}")
        scheduler = Scheduler(ContestJobs(app.svc), lock)
        await lead(scheduler)
        await send_with_retries(_broadcaster(app, clock, channel), clock)
        await scheduler.shutdown()

    q2 = await app.svc.rounds.get("2023-Q2")
    assert q2 is not None
    assert q2.status == "open"
    assert _documents(tg, int(ORGANISER)) == [
        "ket-qua-2023-Q1-noi-bo.xlsx",
        "giay-chung-nhan-2023-Q1.zip",
    ]
    uploads = [r for r in tg.calls("sendDocument") if r.params.get("chat_id") == WRONG_ORGANISER]
    assert len(uploads) == 2 * MAX_TRIES  # the workbook and the certificates
    organiser = Person.on(app, "telegram", ORGANISER)
    await organiser.send("/admin")
    assert f"tệp kết quả Quý 1 tới thành viên Ban Tổ chức {WRONG_ORGANISER}" in organiser.said
    assert "đã ngừng thử" in organiser.said


async def test_a_refused_upload_stops_neither_the_close_nor_the_opening_after_it(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    broadcaster: Broadcaster,
    channel: RecordingChannel,
) -> None:
    channel.refusing_documents = {ORGANISER: "Request Entity Too Large"}
    (p,) = await people(app, 1)
    await p.take_attempt(correct=6)
    clock.set(vn(2023, 4, 1, 0, 0, 1))  # down over Q1's close and Q2's opening

    await lead(scheduler)
    await send_with_retries(broadcaster, clock)

    q2 = await app.svc.rounds.get("2023-Q2")
    assert q2 is not None
    assert q2.status == "open"
    assert channel.refused.count(ORGANISER) == 2 * MAX_TRIES  # workbook, certificates
    await p.send("/thi")
    assert "Hiện chưa có đợt thi nào đang mở" not in p.said
    assert "Quý 2" in p.said


async def test_a_round_that_fails_to_catch_up_neither_stops_the_next_nor_is_forgotten(
    app: App,
    clock: ManualClock,
    scheduler: Scheduler,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (p,) = await people(app, 1)
    await p.take_attempt(correct=6)
    clock.set(vn(2023, 4, 2, 9, 0))
    store = app.svc.winners.store

    async def database_hiccup(*args: object, **kwargs: object) -> bool:
        monkeypatch.setattr(app.svc.winners, "store", store)  # only this once
        raise ConnectionError("server closed the connection unexpectedly")

    monkeypatch.setattr(app.svc.winners, "store", database_hiccup)

    await lead(scheduler)

    q2 = await app.svc.rounds.get("2023-Q2")
    assert q2 is not None
    assert q2.status == "open"  # Q1 failing did not keep Q2 from opening
    assert not scheduler.caught_up
    assert await app.svc.winners.of_round("2023-Q1") == []

    await scheduler.catch_up()  # the next catch-up, a minute later

    assert scheduler.caught_up
    assert [w.tier for w in await app.svc.winners.of_round("2023-Q1")] == ["first"]
    assert await app.svc.broadcasts.by_key("winners:2023-Q1") is not None
