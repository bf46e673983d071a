"""Redis killed mid-attempt: with its append-only file the attempt goes on; without, it restarts.

The bot runs on a redis-server of the test's own. The participant answers four questions and
is shown question 5; the server gets SIGKILL. While it is down every update is answered with the
apology (the engine returns it, the channel sends it) and nothing raises. Restarted on the same
folder with `appendfsync always`, the server has every acknowledged answer and the attempt
finishes with all ten. Restarted with its data gone, the participant is told the attempt was
lost and not counted, and starts again.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram.methods import AnswerCallbackQuery

from bot.app import App
from bot.clock import ManualClock
from handlers.events import Command, Message, Text, User
from storage.models import AttemptAnswer
from tests.conftest import vn
from tests.faults.support import (
    RedisServer,
    copy_of_template,
    open_bot,
    sqlite_settings,
    telegram_channel,
)
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession

APOLOGY = "Xin lỗi, hệ thống vừa gặp sự cố"
LOST = "không còn trên hệ thống"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(vn(2023, 2, 20, 8, 0))


@pytest.fixture
async def bot(
    tmp_path: Path, template_db: Path, clock: ManualClock, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[App, RedisServer]]:
    persistent = bool(getattr(request, "param", True))
    with RedisServer(tmp_path / "redis", persistent=persistent) as server:
        settings = sqlite_settings(
            tmp_path / "quizbot.db", redis_url=server.url, redis_prefix="fault"
        )
        await copy_of_template(template_db, settings)
        async with open_bot(settings, clock) as app:
            yield app, server


async def at_question_5(app: App, clock: ManualClock) -> tuple[TgUser, RecordingSession]:
    session, channel = telegram_channel(app)
    user = TgUser(channel, session, 5005, "Lan")
    await user.send("/dangky")
    await user.send("Phạm Thị Lan")
    await user.share_contact("+84 912 000 555")
    await user.send("1985")
    await user.tap("Yên Mô")
    await user.tap("Người dân")
    await user.tap("✅ Đồng ý")
    await user.tap("✅ Xác nhận")
    await user.send("/thi")
    for n in range(2, 6):
        clock.advance(seconds=20)
        await user.tap("C")
        assert f"Câu {n}/10" in user.last_text()
    return user, session


async def down_and_apologising(app: App, user: TgUser, server: RedisServer) -> None:
    """Kill the server; every update gets the apology and nothing raises."""
    server.kill()
    started = time.monotonic()
    await user.tap("C")
    assert APOLOGY in user.last_text()
    await user.send("/diem")
    assert APOLOGY in user.last_text()
    # The engine itself answers with the apology rather than raising.
    someone = User("telegram", "5005", "Lan")
    for event in (Command(someone, "thi"), Text(someone, "123")):
        [reply] = await app.engine.handle(event)
        assert isinstance(reply, Message)
        assert APOLOGY in reply.text
    # redis-py retries a refused connection with a capped backoff before giving up.
    elapsed = time.monotonic() - started
    print(f"Redis down: 2 updates and 2 engine events answered with the apology in {elapsed:.1f} s")
    assert elapsed < 30


async def test_the_attempt_goes_on_after_a_restart_with_the_append_only_file(
    bot: tuple[App, RedisServer], clock: ManualClock
) -> None:
    app, server = bot
    user, _ = await at_question_5(app, clock)
    pid = await app.store.cached_participant("telegram:5005")
    assert pid is not None
    before = await app.store.attempt(pid)
    assert before is not None
    assert before.next_index == 4

    await down_and_apologising(app, user, server)
    server.start()

    for n in range(6, 11):
        clock.advance(seconds=20)
        await user.tap("C")  # the button of question 5 first, then each new one
        assert f"Câu {n}/10" in user.last_text()
    await user.tap("C")
    assert "Câu hỏi dự đoán" in user.last_text()
    await user.send("2500")
    assert "Số câu đúng" in user.last_text()

    stored = await app.svc.attempts.by_code(before.code)
    assert stored is not None
    assert stored.prediction == 2500
    async with app.db.session() as s:
        rows = list(
            await s.exec(
                AttemptAnswer.__table__.select().where(  # type: ignore[attr-defined]
                    AttemptAnswer.attempt_id == stored.id
                )
            )
        )
    assert len(rows) == 10
    assert all(r.choice == before.orders[r.position][2] for r in rows)  # C every time
    assert await app.store.live_count() == 0


@pytest.mark.parametrize("bot", [False], indirect=True, ids=["no-persistence"])
async def test_with_the_data_lost_the_participant_is_told_and_starts_again(
    bot: tuple[App, RedisServer], clock: ManualClock
) -> None:
    app, server = bot
    user, session = await at_question_5(app, clock)
    await down_and_apologising(app, user, server)
    server.start()

    mark = len(session.calls)
    await user.tap("C")  # question 5's button: that attempt is gone
    [ack] = [c for c in session.calls[mark:] if isinstance(c, AnswerCallbackQuery)]
    assert ack.text is not None
    assert LOST in user.last_text(), user.last_text()
    assert "/thi" in user.last_text() or "Vào thi" in user.last_text()

    await user.tap("✍️ Vào thi")
    assert "Câu 1/10" in user.last_text()
    for _ in range(10):
        await user.tap("A")
    await user.send("100")
    assert "Số câu đúng" in user.last_text()
    assert APOLOGY not in user.last_text()
    assert await app.svc.attempts.count(await participant(app), "2023-Q1") == 1


async def participant(app: App) -> int:
    person = await app.svc.participants.by_account("telegram", "5005")
    assert person is not None
    assert person.id is not None
    return person.id
