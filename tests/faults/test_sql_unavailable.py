"""SQL unavailable when an attempt is submitted: the participant is told it will be recorded, and
it is written exactly once when the database is back.

Real failures only, nothing patched: PostgreSQL refuses the bot's database (ALLOW_CONNECTIONS
false, its connections terminated); the SQLite file and its write-ahead log are made immutable
(chattr +i, which root cannot write through either). The finished attempt waits in Redis;
sweeps while the database is still down write nothing and tell nobody anything twice; the first
sweep after it is back writes one attempt with its ten answers and sends the result.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

from bot.app import App
from bot.clock import ManualClock
from questions.model import LETTERS
from storage.models import AttemptAnswer
from tests.conftest import vn
from tests.faults.support import (
    copy_of_template,
    open_bot,
    sqlite_immutable,
    sqlite_settings,
    telegram_channel,
)
from tests.support.servers import POSTGRES_URL, REDIS_URL, postgres_database, redis_prefix
from tests.telegram.client import TgUser

pytestmark = pytest.mark.redis

WAITING = "kết quả sẽ được ghi nhận trong ít phút"
APOLOGY = "Xin lỗi, hệ thống vừa gặp sự cố"

Outage = Callable[[], AbstractAsyncContextManager[None]]


@asynccontextmanager
async def postgres_refusing(database: str) -> AsyncIterator[None]:
    """The database refuses connections and its open ones are cut, until the block ends."""
    admin = await asyncpg.connect(POSTGRES_URL)
    try:
        await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = $1 AND pid <> pg_backend_pid()",
            database,
        )
        yield
    finally:
        await admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
        await admin.close()


@pytest.fixture(params=["postgres", "sqlite"])
async def bot(
    request: pytest.FixtureRequest, tmp_path: Path, template_db: Path
) -> AsyncIterator[tuple[App, Outage]]:
    clock = ManualClock(vn(2023, 2, 20, 8, 0))
    async with redis_prefix() as (_, prefix):
        settings = sqlite_settings(
            tmp_path / "quizbot.db", redis_url=REDIS_URL, redis_prefix=prefix
        )
        if request.param == "sqlite":
            await copy_of_template(template_db, settings)
            async with open_bot(settings, clock) as app:
                yield app, lambda: sqlite_immutable(tmp_path / "quizbot.db")
            return
        request.applymarker(pytest.mark.postgres)
        async with postgres_database() as url:
            name = url.rsplit("/", 1)[1]
            async with open_bot(settings.model_copy(update={"database_url": url}), clock) as app:
                yield app, lambda: postgres_refusing(name)


async def correct_letter(app: App, pid: int) -> str:
    live = await app.store.attempt(pid)
    assert live is not None
    qid = live.question_ids[live.next_index]
    q = (await app.svc.pool.get_many([qid]))[qid]
    return LETTERS[live.orders[live.next_index].index(q.correct)]


async def test_an_attempt_submitted_while_sql_is_down_is_written_once_when_it_is_back(
    bot: tuple[App, Outage],
) -> None:
    app, outage = bot
    session, channel = telegram_channel(app)
    user = TgUser(channel, session, 6006, "Minh")
    await user.send("/dangky")
    await user.send("Đỗ Văn Minh")
    await user.share_contact("0905123456")
    await user.send("1979")
    await user.tap("Hoa Lư")
    await user.tap("Người dân")
    await user.tap("✅ Đồng ý")
    await user.tap("✅ Xác nhận")
    await user.send("/thi")
    pid = await app.store.cached_participant("telegram:6006")
    assert pid is not None
    live = await app.store.attempt(pid)
    assert live is not None
    for i in range(10):
        right = await correct_letter(app, pid)
        await user.tap(right if i < 6 else next(x for x in "ABCD" if x != right))
    assert "Câu hỏi dự đoán" in user.last_text()

    async with outage():
        await user.send("987")
        assert WAITING in user.last_text(), user.last_text()
        await user.send("/thi")  # no new attempt may overtake the one waiting
        assert "Câu 1/10" not in user.last_text()
        assert APOLOGY not in user.last_text()
        for _ in range(3):
            assert await app.engine.sweep() == []
        assert await app.store.pending() == [pid]

    owed = await app.engine.sweep()
    assert [key for key, _ in owed] == ["telegram:6006"]
    await channel.send_to("6006", owed[0][1])
    assert "Số câu đúng: <b>6/10</b>" in user.last_text()
    assert "Dự đoán của bạn: 987" in user.last_text()
    assert await app.engine.sweep() == []
    assert await app.store.pending() == []

    stored = await app.svc.attempts.by_code(live.code)
    assert stored is not None
    assert (stored.correct, stored.prediction) == (6, 987)
    assert await app.svc.attempts.count(pid, "2023-Q1") == 1
    async with app.db.session() as s:
        rows = list(await s.exec(AttemptAnswer.__table__.select()))  # type: ignore[attr-defined]
    assert len(rows) == 10
    questions = await app.svc.pool.get_many(live.question_ids)
    right = [
        r.choice == questions[r.question_id].correct for r in sorted(rows, key=lambda r: r.position)
    ]
    assert right == [True] * 6 + [False] * 4
