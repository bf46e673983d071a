"""A paid broadcast's pace: past the bot's 30 a second up to the paid rate, each chat still
one a second after a burst of 3, the replies neither waiting for it nor losing their slots,
and a 429 on a paid message holding the paid pace for its retry_after."""

from __future__ import annotations

import itertools

from bot.pacer import Pacer, paid_broadcasting
from tests.pacing.conftest import VirtualTime, sent_at


async def test_a_paid_broadcast_goes_at_the_paid_rate_not_the_bots_25(
    time: VirtualTime, pacer: Pacer
) -> None:
    with paid_broadcasting():
        moments = [await sent_at(time, pacer, chat) for chat in range(100, 200)]
    assert all(b - a == 2 for a, b in itertools.pairwise(moments))  # 500 a second
    assert moments[-1] == 198  # a hundred messages in a fifth of a second, not four seconds


async def test_one_chat_still_gets_three_at_once_then_one_a_second_when_paid(
    time: VirtualTime, pacer: Pacer
) -> None:
    with paid_broadcasting():
        moments = [await sent_at(time, pacer, 7) for _ in range(5)]
    assert moments == [0, 2, 4, 1000, 2000]


async def test_a_reply_during_a_paid_broadcast_takes_the_next_free_slot(
    time: VirtualTime, pacer: Pacer
) -> None:
    # Two hundred paid messages reserve their slots ahead (as the broadcaster's tasks do).
    for _ in range(200):
        await pacer._take(pacer._paid_key, 2, 1)
    before = time.ms
    waited = await pacer.turn(7)  # a participant's next question
    assert time.ms - before == 0
    assert waited == 0


async def test_a_429_on_a_paid_message_holds_the_paid_pace_not_the_replies(
    time: VirtualTime, pacer: Pacer
) -> None:
    with paid_broadcasting():
        await pacer.turn(100)
        await pacer.hold(2, 100)
        before = time.ms
        await pacer.turn(101)
    assert time.ms - before == 2000  # the paid pace waited for retry_after
    before = time.ms
    await pacer.turn(7)
    assert time.ms - before == 0  # replies were never held
