"""Sends to Zalo wait their turn in the shared pace; a 429 holds the pace and the message still
goes out, in its turn, instead of being dropped."""

from __future__ import annotations

from bot.channels.zalo.client import ZaloClient
from bot.pacer import Pace, Pacer
from storage.session import in_process_redis
from tests.fake_telegram import Limits
from tests.fake_zalo import FakeZalo


async def test_a_burst_to_one_chat_is_paced_under_zalos_limit_and_nothing_is_lost() -> None:
    limits = Limits(per_bot=None, per_chat=2.0, chat_burst=2, per_group_minute=None)
    # Configured much faster than the platform allows: the 429s that follow hold the pace.
    pacer = Pacer(
        in_process_redis(),
        "t",
        "zalo",
        Pace(per_second=20.0, chat_interval_s=0.05, chat_burst=2),
    )
    async with FakeZalo(limits=limits) as zl:
        zl.user("u1", "An")
        async with ZaloClient(zl.token, base_url=zl.base_url, pacer=pacer) as client:
            for i in range(5):
                await client.send_message("u1", f"tin {i}")

        assert zl.texts("u1") == [f"tin {i}" for i in range(5)]
        assert zl.too_many >= 1  # refused at least once, sent all the same
