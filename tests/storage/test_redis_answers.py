"""Answers on the real Redis: recorded once, in turn and in time, whatever the taps and races."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from redis.asyncio import Redis

from storage.keys import ACCOUNT_TTL, ATTEMPT_GRACE, CONVERSATION_TTL, UPDATE_TTL
from storage.session import Admission, AnswerOutcome, LiveAttempt, SessionStore, Stage
from tests.support.servers import redis_prefix

pytestmark = pytest.mark.redis

PID = 42
START_MS = 1_676_880_000_000  # 08:00 on 20/02/2023 in Vietnam
LIMIT_MS = 10 * 60 * 1000
QUESTIONS = 10


@dataclass
class Live:
    store: SessionStore
    redis: Redis
    code: str = "CODE01"

    async def answer(self, index: int, shown: int = 1, at_s: float = 5) -> AnswerOutcome:
        now_ms = START_MS + int(at_s * 1000)
        return await self.store.answer(PID, code=self.code, index=index, shown=shown, now_ms=now_ms)

    async def state(self) -> LiveAttempt:
        live = await self.store.attempt(PID)
        assert live is not None
        return live


@pytest.fixture
async def live() -> AsyncIterator[Live]:
    """A store on the real Redis with one attempt just started."""
    async with redis_prefix() as (client, prefix):
        store = SessionStore(client, prefix)
        started = await store.start_attempt(
            PID,
            LiveAttempt(
                code="CODE01",
                round_code="2023-Q1",
                user_key="telegram:1001",
                question_ids=list(range(101, 101 + QUESTIONS)),
                orders=[(2, 0, 3, 1)] * QUESTIONS,
                started_ms=START_MS,
                deadline_ms=START_MS + LIMIT_MS,
            ),
        )
        assert started
        yield Live(store, client)


async def test_fifty_identical_concurrent_answers_record_one(live: Live) -> None:
    outcomes = await asyncio.gather(*(live.answer(0, shown=2) for _ in range(50)))

    assert outcomes.count(AnswerOutcome.RECORDED) == 1
    assert outcomes.count(AnswerOutcome.STALE) == 49
    state = await live.state()
    assert state.next_index == 1
    assert state.answers == {0: (2, START_MS + 5000)}


async def test_replayed_answer_and_tap_on_earlier_question_change_nothing(live: Live) -> None:
    for index in range(3):
        assert await live.answer(index, shown=index, at_s=10 * (index + 1)) == "ok"
    before = await live.state()

    assert await live.answer(2, shown=3, at_s=40) == AnswerOutcome.STALE  # replayed
    assert await live.answer(0, shown=3, at_s=41) == AnswerOutcome.STALE  # earlier question
    assert await live.answer(5, shown=3, at_s=42) == AnswerOutcome.STALE  # not asked yet
    live.code = "OTHER1"
    assert await live.answer(3, shown=3, at_s=43) == AnswerOutcome.STALE  # another attempt

    assert await live.state() == before
    assert before.answers == {
        0: (0, START_MS + 10_000),
        1: (1, START_MS + 20_000),
        2: (2, START_MS + 30_000),
    }


async def test_answer_after_the_deadline_is_expired_and_not_recorded(live: Live) -> None:
    assert await live.answer(0, at_s=LIMIT_MS / 1000) == AnswerOutcome.RECORDED  # on the dot

    outcome = await live.answer(1, at_s=LIMIT_MS / 1000 + 0.001)

    assert outcome == AnswerOutcome.EXPIRED
    state = await live.state()
    assert state.next_index == 1
    assert set(state.answers) == {0}


async def test_last_answer_moves_to_the_prediction_and_later_taps_are_stale(live: Live) -> None:
    outcomes = [await live.answer(i, at_s=i + 1) for i in range(QUESTIONS)]

    assert outcomes == [AnswerOutcome.RECORDED] * (QUESTIONS - 1) + [AnswerOutcome.LAST]
    assert await live.answer(QUESTIONS - 1, at_s=20) == AnswerOutcome.STALE
    assert (await live.state()).stage == Stage.PREDICTION
    assert await live.store.set_prediction(PID, code="CODE01", value=1234)
    assert (await live.state()).prediction == 1234


async def test_no_live_attempt_answers_none(live: Live) -> None:
    outcome = await live.store.answer(7, code="CODE01", index=0, shown=0, now_ms=START_MS)

    assert outcome == AnswerOutcome.NONE


async def test_finish_is_won_by_exactly_one_of_twenty_callers(live: Live) -> None:
    won = await asyncio.gather(
        *(
            live.store.finish(PID, code="CODE01", now_ms=START_MS + 60_000 + i, auto=i % 2 == 0)
            for i in range(20)
        )
    )

    assert won.count(True) == 1
    state = await live.state()
    assert state.stage == Stage.DONE
    winner = won.index(True)
    assert state.finished_ms == START_MS + 60_000 + winner
    assert state.auto is (winner % 2 == 0)
    assert await live.answer(0, at_s=61) == AnswerOutcome.STALE


async def test_keys_expire(live: Live) -> None:
    store, redis = live.store, live.redis
    await store.save_conversation("telegram:1001", {"step": "name"})
    await store.cache_participant("telegram:1001", PID)
    await store.admit(Admission("telegram", "9001", "telegram:1001", 30, 10))

    attempt_ms = await redis.pttl(store.keys.attempt(PID))
    assert LIMIT_MS + ATTEMPT_GRACE.total_seconds() * 1000 - 5000 < attempt_ms
    assert attempt_ms <= LIMIT_MS + ATTEMPT_GRACE.total_seconds() * 1000
    for key, ttl in [
        (store.keys.conversation("telegram:1001"), CONVERSATION_TTL),
        (store.keys.account("telegram:1001"), ACCOUNT_TTL),
        (store.keys.updates("telegram:1001"), UPDATE_TTL),
        (store.keys.rate("telegram:1001"), timedelta(seconds=10)),
    ]:
        left = await redis.ttl(key)
        assert ttl.total_seconds() - 5 < left <= ttl.total_seconds(), key


async def test_answering_does_not_drop_the_attempt_ttl(live: Live) -> None:
    await live.answer(0)
    await live.store.finish(PID, code="CODE01", now_ms=START_MS + 6000, auto=False)

    assert await live.redis.pttl(live.store.keys.attempt(PID)) > 0


async def test_attempt_held_for_sql_no_longer_expires(live: Live) -> None:
    await live.store.finish(PID, code="CODE01", now_ms=START_MS + 6000, auto=False)

    await live.store.hold_for_sql(PID)

    assert await live.redis.ttl(live.store.keys.attempt(PID)) == -1
    assert await live.store.pending() == [PID]
    await live.store.discard_attempt(PID)
    assert await live.store.pending() == []
    assert await live.store.attempt(PID) is None


async def test_second_start_while_an_attempt_is_live_is_refused(live: Live) -> None:
    again = await live.state()
    again.code = "CODE02"

    assert await live.store.start_attempt(PID, again) is False
    assert (await live.state()).code == "CODE01"
