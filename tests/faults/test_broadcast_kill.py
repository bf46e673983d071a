"""kill -9 of the bot in the middle of a broadcast, then a restart: everyone gets it once.

The real `quizbot run` polls the fake Telegram server with the real Redis and a SQLite file.
200 participants are registered straight into its database, an organiser starts a broadcast
from /admin, and the process gets SIGKILL when about half the recipients have the message. A
second process on the same database and Redis prefix finishes the broadcast.

The broadcaster marks a recipient sent right after Telegram accepts the message, so one window
remains: a kill after Telegram accepted a message and before its status is written (the
SQLite commit, a millisecond or two). That recipient is still pending after the restart and
gets the message a second time. The test measures at the kill which case it is in: the
messages Telegram holds minus the recipients marked sent is 0 (everyone gets exactly one copy)
or 1 (that one recipient gets two, and no one else). tests/faults/README.md says how often the
window was hit across runs.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest

from storage.db import Database
from storage.repos import ParticipantDetails, Participants
from tests.fake_telegram import FakeTelegram
from tests.faults.support import bot_process
from tests.support.servers import REDIS_URL, redis_prefix
from tests.telegram.process import TOKEN, BotConfig
from tests.telegram.scripted import ADMIN, recipients, start_broadcast

pytestmark = pytest.mark.redis

RECIPIENTS = 200
FIRST_ID = 810_000
TEXT = "Thông báo: lễ trao giải Quý 1 tổ chức sáng thứ Bảy tại Hội trường Sở."


async def register_directly(db_path: Path) -> None:
    """RECIPIENTS participants with a Telegram account each, written into the bot's database."""
    db = await Database.open(f"sqlite+aiosqlite:///{db_path}")
    try:
        repo = Participants(db)
        for i in range(RECIPIENTS):
            await repo.register(
                ParticipantDetails(f"Người Thử {i}", f"+8491{i:07d}", 1990, "Hoa Lư", "Người dân"),
                channel="telegram",
                channel_user_id=str(FIRST_ID + i),
                display_name=f"Thử {i}",
                source="",
                now=datetime.now(UTC),
            )
    finally:
        await db.close()


def delivered(tg: FakeTelegram) -> dict[int, int]:
    """How many copies of the announcement each recipient's chat holds."""
    return {
        uid: sum(TEXT in m.shown for m in tg.sent_to(uid))
        for uid in range(FIRST_ID, FIRST_ID + RECIPIENTS)
    }


async def test_a_broadcast_killed_half_way_reaches_everyone_once_after_a_restart(
    tmp_path: Path,
) -> None:
    async with redis_prefix() as (_, prefix), FakeTelegram(TOKEN) as tg:
        config = BotConfig(admins=(ADMIN,), redis=(REDIS_URL, prefix), broadcast_rate=25)
        for i in range(RECIPIENTS):
            tg.user(FIRST_ID + i, f"Thử {i}")
        async with bot_process(tg, tmp_path, config) as first:
            await register_directly(first.db_path)
            broadcast_id = await start_broadcast(tg, first, TEXT)
            await tg.wait_for(lambda: sum(delivered(tg).values()) >= RECIPIENTS // 2, 30)
            # Not a wait for anything: the kill lands at a random moment of a send cycle, as a
            # real one would, instead of always just after Telegram took a message.
            await asyncio.sleep(random.uniform(0, 0.2))
            os.kill(first.proc.pid, signal.SIGKILL)
            await first.proc.wait()
            held = sum(delivered(tg).values())
            marked = first.value(
                "SELECT count(*) FROM broadcast_recipients WHERE broadcast_id = ?"
                " AND status = 'sent'",
                broadcast_id,
            )
        in_window = held - marked
        print(f"killed with {held} messages at Telegram and {marked} marked sent")
        assert first.proc.returncode == -signal.SIGKILL
        assert 0 < held < RECIPIENTS, "the kill did not land in the middle of the broadcast"
        assert in_window in (0, 1), f"{held} at Telegram but {marked} marked sent"
        pending_at_kill = {
            uid for uid, status in recipients(first, broadcast_id).items() if status == "pending"
        }
        sent_but_pending = {uid for uid, n in delivered(tg).items() if n and uid in pending_at_kill}
        assert len(sent_but_pending) == in_window

        async with bot_process(tg, tmp_path, config) as second:
            # The new process leads once the killed one's lock lapses, then sends the rest.
            await tg.wait_for(
                lambda: (
                    second.value("SELECT status FROM broadcasts WHERE id = ?", broadcast_id)
                    == "done"
                ),
                40,
            )
            assert set(recipients(second, broadcast_id).values()) == {"sent"}
            second.proc.send_signal(signal.SIGTERM)
            assert await second.proc.wait() == 0
        copies = delivered(tg)
        assert all(n >= 1 for n in copies.values()), "someone never got the announcement"
        twice = {uid for uid, n in copies.items() if n > 1}
        assert twice == sent_but_pending, f"got it twice: {sorted(twice)}"
        assert all(n <= 2 for n in copies.values())
        log = first.log
        assert log.count("Traceback") == 0, log
        tg.assert_no_violations()
