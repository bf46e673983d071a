"""After a restore, Redis (which outlived the database) points no account at the wrong entry.

The backup is older than what Redis holds: someone who registered after it has an account
cached to an entry the restored database does not have, and that id goes to the next person
who registers. The restore drops the cache and that person's live attempt; an attempt in
progress of someone the backup has goes on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.clock import ManualClock
from bot.config import Settings
from handlers.rounds import reconcile
from storage.restore import forget_after_restore
from storage.session import SessionStore
from tests.conftest import vn
from tests.ops.support import back_up, every_row, fill_every_table, opened, restore_into
from tests.results_round import AN
from tests.support.client import Person
from tests.support.servers import REDIS_URL, postgres_database, redis_prefix


@pytest.mark.postgres
@pytest.mark.redis
async def test_an_entry_lost_with_the_restore_leaves_nothing_that_reaches_the_next_one(
    settings: Settings, clock: ManualClock, tmp_path: Path
) -> None:
    path = tmp_path / "before-the-loss.gz"
    async with postgres_database() as url, redis_prefix() as (redis, prefix):
        on_postgres = settings.model_copy(
            update={"database_url": url, "redis_url": REDIS_URL, "redis_prefix": prefix}
        )
        async with opened(on_postgres, clock) as app:
            await fill_every_table(app, clock)
            clock.set(vn(2023, 4, 5, 9, 0))
            await reconcile(app.svc)  # round 2023-Q2 opens
            await back_up(url, path)
            # After the backup: a newcomer registers and starts the quiz; An starts one too.
            newcomer = Person.on(app, "telegram", "6060", "Ngô Văn Lâm")
            await newcomer.register(name="Ngô Văn Lâm", phone="0355000111")
            lost_id = await newcomer.participant_id()
            await newcomer.send("/thi")
            assert await newcomer.live() is not None
            an = Person.on(app, "telegram", AN.uid, AN.name)
            await an.send("/thi")
            assert await an.live() is not None

        # The database is lost; the backup goes back in, the bot stopped, Redis as it was.
        await restore_into(url, path, force=True)
        ids = [row["id"] for row in (await every_row(url))["participants"]]
        gone = await forget_after_restore(SessionStore(redis, prefix), ids)
        assert (gone.attempts, gone.cached_accounts > 0) == (1, True)

        async with opened(on_postgres, clock) as app:
            newcomer.app = an.app = app  # the same people, talking to the restarted bot
            # An's attempt goes on where it was.
            await an.answer(right=True)
            live = await an.live()
            assert live is not None
            assert list(live.answers) == [0]
            # The newcomer's entry is gone with the restore: they are asked to register...
            await newcomer.send("/diem")
            assert "Bạn cần đăng ký trước khi thi." in newcomer.said
            # ...and whoever registers next, taking the id that entry had, is nobody else.
            someone = Person.on(app, "zalo", "z-9", "Lý Thị Mai")
            await someone.register(name="Lý Thị Mai", phone="0366222333", typed_phone=True)
            assert await someone.participant_id() == lost_id
            await newcomer.send("/thi")
            assert "Bạn cần đăng ký trước khi thi." in newcomer.said
            assert await someone.live() is None
