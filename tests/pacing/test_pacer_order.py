"""The outbound pace: a chat gets a burst of 3 then one message a second, the bot at most its
rate, broadcasts only what replies leave, and a 429 holds everything for its retry_after."""

from __future__ import annotations

import itertools

from bot.pacer import Pace, Pacer, broadcasting
from storage.session import in_process_redis
from tests.pacing.conftest import VirtualTime, sent_at


async def test_a_chat_gets_three_at_once_then_one_a_second(time: VirtualTime, pacer: Pacer) -> None:
    moments = [await sent_at(time, pacer, 7) for _ in range(5)]
    # The first three only keep the bot's own spacing (40 ms at 25 a second).
    assert moments == [0, 40, 80, 1000, 2000]


async def test_other_chats_are_not_held_up_by_a_busy_one(time: VirtualTime, pacer: Pacer) -> None:
    for _ in range(4):
        await pacer.turn(7)
    before = time.ms
    await pacer.turn(8)
    assert time.ms - before == 40  # only the bot's spacing, not chat 7's second


async def test_a_group_gets_one_message_every_three_seconds(
    time: VirtualTime, pacer: Pacer
) -> None:
    moments = [await sent_at(time, pacer, -100123) for _ in range(3)]
    assert moments == [0, 3000, 6000]


async def test_the_bot_never_goes_faster_than_its_rate(time: VirtualTime, pacer: Pacer) -> None:
    moments = [await sent_at(time, pacer, chat) for chat in range(50)]
    assert moments[-1] == 49 * 40
    assert all(b - a == 40 for a, b in itertools.pairwise(moments))


async def test_a_broadcast_waits_until_the_replies_queued_before_it_have_gone(
    time: VirtualTime, pacer: Pacer
) -> None:
    # Ten replies reserve their slots (as ten handlers at once would): 0, 40 … 360 ms.
    for _ in range(10):
        await pacer._take(pacer._key, 40, 1)
    with broadcasting():
        waited = await pacer.turn(999)
    assert time.ms - 1_000_000 >= 400  # after the last reply's slot
    assert waited >= 0.4


async def test_a_broadcast_alone_keeps_a_tenth_of_the_pace_free(
    time: VirtualTime, pacer: Pacer
) -> None:
    # 25 a second for the bot: a broadcast goes at most 22.5 a second (a slot every 45 ms),
    # so a late process sending its slots together stays under the platform's limit.
    with broadcasting():
        moments = [await sent_at(time, pacer, chat) for chat in range(100, 123)]
    assert all(b - a == 45 for a, b in itertools.pairwise(moments))


async def test_after_a_second_of_replies_at_the_full_pace_a_broadcast_waits_its_tenth(
    time: VirtualTime, pacer: Pacer
) -> None:
    replies = [await sent_at(time, pacer, chat) for chat in range(25)]
    assert replies[-1] == 960  # the replies themselves use the whole pace
    with broadcasting():
        broadcast = await sent_at(time, pacer, 999)
    # A slot of the bot is free at 1,000 ms, but all messages together have run at 25 a
    # second: the broadcast waits until they are back under 22.5 (25 × 45 ms).
    assert broadcast == 25 * 45
    reply = await sent_at(time, pacer, 7)
    assert reply - broadcast <= 40


async def test_a_reply_made_during_a_broadcast_goes_in_the_next_slot(
    time: VirtualTime, pacer: Pacer
) -> None:
    with broadcasting():
        for chat in range(100, 105):
            await pacer.turn(chat)
    before = time.ms
    waited = await pacer.turn(7)
    assert time.ms - before <= 40
    assert waited <= 0.04


async def test_a_429_holds_every_chat_for_its_retry_after(time: VirtualTime, pacer: Pacer) -> None:
    await pacer.turn(7)
    await pacer.hold(3, 7)
    before = time.ms
    await pacer.turn(8)  # another chat: the whole bot waits
    assert time.ms - before == 3000
    await pacer.turn(7)  # the chat itself: its burst is spent, one a second after the wait
    await pacer.turn(7)
    assert time.ms - before == 4000


async def test_two_processes_share_one_pace(time: VirtualTime) -> None:
    redis = in_process_redis()
    pace = Pace(per_second=25.0)
    one, two = (
        Pacer(redis, "t", "telegram", pace, now_ms=time.now_ms, sleep=time.sleep) for _ in range(2)
    )
    await one.turn(1)
    before = time.ms
    await two.turn(2)
    assert time.ms - before == 40


async def test_slots_reached_late_after_a_stall_still_go_out_a_second_apart(
    time: VirtualTime,
) -> None:
    pacer = Pacer(
        in_process_redis(),
        "t",
        "telegram",
        Pace(per_second=5.0),
        now_ms=time.now_ms,
        sleep=time.sleep,
    )
    # Five messages whose slots were handed out earlier, reached together after a pause.
    for _ in range(5):
        assert await pacer._within_second() == 0
    assert await pacer._within_second() == 1.0  # the sixth waits for the first's second
