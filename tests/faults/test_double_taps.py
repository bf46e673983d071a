"""A hundred taps on one button, spread over two bot processes sharing Redis and PostgreSQL.

Two bots (engine, session store client, SQL engine and Telegram channel each) share one Redis
key prefix and one PostgreSQL database, as two replicas behind a webhook would. One participant
taps the same button 100 times at once, half of the taps reaching each bot: exactly one answer is
recorded, one tap is acknowledged as noted and the 99 others as already answered, and the next
question is shown once. The same holds for the last question, the prediction typed 100 times and
/thi sent 100 times.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup

from bot.app import App
from bot.clock import ManualClock
from storage.models import Attempt, AttemptAnswer
from tests.conftest import vn
from tests.faults.support import open_bot, sqlite_settings, telegram_channel
from tests.support.servers import REDIS_URL, postgres_database, redis_prefix
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

TAPS = 100
USER_ID = 4242
NOTED = "Đã ghi nhận"
ALREADY = "Câu này bạn đã trả lời rồi."


@dataclass
class Replica:
    """One of the two bots, and the participant as seen through it."""

    app: App
    session: RecordingSession
    user: TgUser


@pytest.fixture
async def replicas(tmp_path: Path) -> AsyncIterator[tuple[Replica, Replica]]:
    clock = ManualClock(vn(2023, 2, 20, 8, 0))
    async with postgres_database() as url, redis_prefix() as (_, prefix):
        settings = sqlite_settings(tmp_path / "unused.db").model_copy(
            update={"database_url": url, "redis_url": REDIS_URL, "redis_prefix": prefix}
        )
        async with (
            open_bot(settings, clock, seed=1) as one,
            open_bot(settings, clock, seed=2) as two,
        ):
            pair = []
            for app in (one, two):
                session, channel = telegram_channel(app)
                pair.append(Replica(app, session, TgUser(channel, session, USER_ID, "Hà")))
            yield pair[0], pair[1]


def shown_texts(*replicas: Replica) -> list[str]:
    return [
        c.text
        for r in replicas
        for c in r.session.calls
        if isinstance(c, SendMessage | EditMessageText)
    ]


def acknowledgements(*replicas: Replica) -> list[str | None]:
    return [c.text for r in replicas for c in r.session.of(AnswerCallbackQuery)]


def button(replica: Replica, label: str) -> tuple[int, str]:
    """(message id, callback data) of the newest button with this label the bot showed."""
    for call in reversed(replica.user.bot_messages()):
        if isinstance(call.reply_markup, InlineKeyboardMarkup):
            for row in call.reply_markup.inline_keyboard:
                for b in row:
                    if b.text == label:
                        return replica.session.message_id_of(call), b.callback_data or ""
    raise AssertionError(f"no button {label!r}")


async def register(r: Replica) -> None:
    u = r.user
    await u.send("/dangky")
    await u.send("Trần Thị Hà")
    await u.share_contact("0987654321")
    await u.send("1991")
    await u.tap("Kim Sơn")
    await u.tap("Người dân")
    await u.tap("✅ Đồng ý")
    await u.tap("✅ Xác nhận")
    assert "Đăng ký thành công" in u.last_text()


def reset(*replicas: Replica) -> None:
    for r in replicas:
        r.session.calls.clear()


async def tap_everywhere(one: Replica, two: Replica, message_id: int, data: str) -> None:
    """TAPS taps of one button at once, every other one reaching the other bot."""
    await asyncio.gather(
        *((one if i % 2 else two).user.tap_data(message_id, data) for i in range(TAPS))
    )


async def test_a_hundred_taps_over_two_bots_record_one_answer(
    replicas: tuple[Replica, Replica],
) -> None:
    one, two = replicas
    await register(one)
    reset(one, two)

    await asyncio.gather(*((one if i % 2 else two).user.send("/thi") for i in range(TAPS)))
    assert await one.app.store.live_count() == 1
    assert sum("Câu 1/10" in t for t in shown_texts(one, two)) == TAPS  # new or resumed
    pid = await one.app.store.cached_participant(f"telegram:{USER_ID}")
    assert pid is not None
    live = await one.app.store.attempt(pid)
    assert live is not None

    for index in range(10):
        # The two bots show the same attempt; the button is whichever copy was shown last.
        holder = max((one, two), key=lambda r: len(r.user.bot_messages()))
        message_id, data = button(holder, "B")
        reset(one, two)
        await tap_everywhere(one, two, message_id, data)
        acks = acknowledgements(one, two)
        assert len(acks) == TAPS
        assert acks.count(NOTED) == 1, acks
        assert acks.count(ALREADY) == TAPS - 1, set(acks)
        nxt = f"Câu {index + 2}/10" if index < 9 else "Câu hỏi dự đoán"
        assert sum(nxt in t for t in shown_texts(one, two)) == 1
        stored = await one.app.store.attempt(pid)
        assert stored is not None
        assert stored.next_index == index + 1
        assert set(stored.answers) == set(range(index + 1))
        assert stored.answers[index][0] == 1  # B

    reset(one, two)
    await asyncio.gather(*((one if i % 2 else two).user.send("4321") for i in range(TAPS)))
    results = [t for t in shown_texts(one, two) if "Số câu đúng" in t]
    assert len(results) == 1, results
    assert "Dự đoán của bạn: 4.321" in results[0]
    assert all("sự cố" not in t for t in shown_texts(one, two))

    async with one.app.db.session() as s:
        attempts = list(await s.exec(Attempt.__table__.select()))  # type: ignore[attr-defined]
        answers = list(await s.exec(AttemptAnswer.__table__.select()))  # type: ignore[attr-defined]
    assert len(attempts) == 1
    assert attempts[0].code == live.code
    assert attempts[0].prediction == 4321
    assert len(answers) == 10
    assert sorted(a.position for a in answers) == list(range(10))
    assert all(a.choice == live.orders[a.position][1] for a in answers)
    assert await one.app.store.live_count() == 0
