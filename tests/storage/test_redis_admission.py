"""Letting updates in on the real Redis: each once, none past the flood limit, and an answer tap
let in and recorded in the same step without ever counting twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from storage.keys import UPDATES_KEPT
from storage.session import Admission, AnswerOutcome, LiveAttempt, SessionStore, Verdict
from tests.support.servers import redis_prefix

pytestmark = pytest.mark.redis

PID = 42
ACCOUNT = "telegram:1001"
START_MS = 1_676_880_000_000
LIMIT = 3


@dataclass
class Door:
    store: SessionStore
    code: str = "CODE01"

    def update(self, update_id: int, account: str = ACCOUNT) -> Admission:
        return Admission("telegram", str(update_id), account, LIMIT, 60)

    async def tap(
        self, admission: Admission, index: int, *, pid: int = PID, shown: int = 1
    ) -> AnswerOutcome:
        outcome, _ = await self.store.admit_and_tap(
            admission, pid, code=self.code, index=index, shown=shown, now_ms=START_MS + 5000
        )
        return outcome

    async def answered(self) -> dict[int, tuple[int, int]]:
        live = await self.store.attempt(PID)
        assert live is not None
        return live.answers


@pytest.fixture
async def door() -> AsyncIterator[Door]:
    """A store on the real Redis; participant 42 (account telegram:1001) has just started."""
    async with redis_prefix() as (client, prefix):
        store = SessionStore(client, prefix)
        await store.cache_participant(ACCOUNT, PID)
        await store.start_attempt(
            PID,
            LiveAttempt(
                code="CODE01",
                round_code="2023-Q1",
                user_key=ACCOUNT,
                question_ids=list(range(101, 111)),
                orders=[(2, 0, 3, 1)] * 10,
                started_ms=START_MS,
                deadline_ms=START_MS + 600_000,
            ),
        )
        yield Door(store)


async def test_an_update_is_let_in_once_per_channel(door: Door) -> None:
    assert await door.store.admit(door.update(777)) is True
    again = door.update(777)
    assert await door.store.admit(again) is False
    assert again.verdict is Verdict.REPEATED
    assert await door.store.admit(Admission("zalo", "777", "zalo:9", LIMIT, 60)) is True


async def test_past_the_limit_updates_are_refused_and_only_the_first_over_is_told(
    door: Door,
) -> None:
    admissions = [door.update(i) for i in range(LIMIT + 3)]
    let_in = [await door.store.admit(a) for a in admissions]

    assert let_in == [True] * LIMIT + [False] * 3
    assert [a.verdict for a in admissions[LIMIT:]] == [Verdict.FLOODED] * 3
    assert [a.first_over for a in admissions] == [False] * LIMIT + [True, False, False]
    # Another sender has a counter of their own.
    assert await door.store.admit(door.update(100, "telegram:2002")) is True


async def test_a_redelivered_update_does_not_count_against_the_flood_limit(door: Door) -> None:
    for _ in range(LIMIT + 2):
        await door.store.admit(door.update(1))
    for i in range(2, LIMIT + 1):
        assert await door.store.admit(door.update(i)) is True


async def test_a_tap_is_let_in_and_recorded_in_one_step_and_its_replay_changes_nothing(
    door: Door,
) -> None:
    first = door.update(5)
    assert await door.tap(first, 0) is AnswerOutcome.RECORDED
    assert first.verdict is Verdict.ADMITTED

    replay = door.update(5)
    assert await door.tap(replay, 0, shown=3) is AnswerOutcome.TURNED_AWAY
    assert replay.verdict is Verdict.REPEATED
    assert await door.tap(door.update(6), 0, shown=3) is AnswerOutcome.STALE  # a double tap
    assert await door.answered() == {0: (1, START_MS + 5000)}


async def test_the_same_tap_delivered_fifty_times_at_once_records_one_answer(door: Door) -> None:
    outcomes = await asyncio.gather(*(door.tap(door.update(9), 0) for _ in range(50)))

    assert outcomes.count(AnswerOutcome.RECORDED) == 1
    assert outcomes.count(AnswerOutcome.TURNED_AWAY) == 49
    assert await door.answered() == {0: (1, START_MS + 5000)}


async def test_a_tap_past_the_flood_limit_records_nothing(door: Door) -> None:
    for i in range(LIMIT):
        assert await door.store.admit(door.update(i))
    over = door.update(50)

    assert await door.tap(over, 0) is AnswerOutcome.TURNED_AWAY
    assert over.first_over
    assert await door.answered() == {}


@pytest.mark.parametrize("account", ["telegram:2002", "zalo:9"])
async def test_a_tap_naming_a_participant_the_account_is_not_known_as_records_nothing(
    door: Door, account: str
) -> None:
    admission = door.update(11, account)

    assert await door.tap(admission, 0) is AnswerOutcome.UNKNOWN_ACCOUNT
    # Let in all the same: the caller looks the account up and goes on without asking again.
    assert admission.verdict is Verdict.ADMITTED
    assert await door.store.admit(admission) is True
    assert await door.answered() == {}


async def test_a_tap_naming_another_participant_records_nothing_for_either(door: Door) -> None:
    await door.store.cache_participant("telegram:2002", 43)

    outcome = await door.tap(door.update(12, "telegram:2002"), 0, pid=PID)

    assert outcome is AnswerOutcome.UNKNOWN_ACCOUNT
    assert await door.answered() == {}
    assert await door.store.attempt(43) is None


async def _keys_of(store: SessionStore, account: str) -> dict[str, int]:
    """The keys about one account and their sizes (a list's length, else 1)."""
    found: dict[str, int] = {}
    async for key in store.redis.scan_iter(match=f"{store.keys.prefix}:*{account}*"):
        kind = await store.redis.type(key)
        found[key] = await store.redis.llen(key) if kind == "list" else 1
    return found


async def _send(store: SessionStore, account: str, ids: range, limit: int) -> list[Verdict]:
    admissions = [Admission("telegram", str(i), account, limit, 10) for i in ids]
    for batch in range(0, len(admissions), 50):  # in order, 50 at a time
        await asyncio.gather(*(store.admit(a) for a in admissions[batch : batch + 50]))
    return [a.verdict for a in admissions if a.verdict is not None]


async def test_ten_thousand_updates_from_a_flooding_sender_leave_two_keys(door: Door) -> None:
    flooder = "telegram:5555"

    verdicts = await _send(door.store, flooder, range(1, 10_001), limit=30)

    assert verdicts.count(Verdict.ADMITTED) == 30
    assert verdicts.count(Verdict.FLOODED) == 9_970
    # Their recent updates (the 30 let in) and their flood counter: nothing per update.
    assert await _keys_of(door.store, flooder) == {
        door.store.keys.updates(flooder): 30,
        door.store.keys.rate(flooder): 1,
    }


async def test_a_sender_let_in_ten_thousand_times_keeps_only_the_last_ids(door: Door) -> None:
    busy = "telegram:6666"

    verdicts = await _send(door.store, busy, range(1, 10_001), limit=1_000_000)

    assert verdicts == [Verdict.ADMITTED] * 10_000
    assert await _keys_of(door.store, busy) == {
        door.store.keys.updates(busy): UPDATES_KEPT,
        door.store.keys.rate(busy): 1,
    }
    assert await door.store.redis.ttl(door.store.keys.updates(busy)) > 0


async def test_a_replay_within_the_senders_last_updates_is_handled_once(door: Door) -> None:
    sender = "telegram:7777"
    assert await _send(door.store, sender, range(1, 2), limit=1_000_000) == [Verdict.ADMITTED]
    # The window: the sender's last UPDATES_KEPT updates let in, the first one among them.
    await _send(door.store, sender, range(2, UPDATES_KEPT + 1), limit=1_000_000)

    assert await _send(door.store, sender, range(1, 2), limit=1_000_000) == [Verdict.REPEATED]
    # Pushed out by one more: a copy arriving after that many newer updates would be let in.
    await _send(door.store, sender, range(UPDATES_KEPT + 1, UPDATES_KEPT + 2), limit=1_000_000)
    assert await _send(door.store, sender, range(1, 2), limit=1_000_000) == [Verdict.ADMITTED]


async def test_an_update_refused_for_flooding_is_handled_if_it_comes_again_later(
    door: Door,
) -> None:
    for i in range(LIMIT):
        assert await door.store.admit(door.update(i))
    refused = door.update(500)
    assert await door.store.admit(refused) is False
    assert refused.verdict is Verdict.FLOODED

    await door.store.redis.delete(door.store.keys.rate(ACCOUNT))  # the flood window ends
    again = door.update(500)
    assert await door.store.admit(again) is True  # never handled before: handled now, once
    assert await door.store.admit(door.update(500)) is False
