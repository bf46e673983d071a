"""What the personal data tests share: a closed round with winners and others, and where to
look for what is stored about someone (the tables, the session store's keys)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import text

from bot.app import App
from bot.clock import ManualClock
from handlers.contest import Prize, Tier
from handlers.rounds import RoundResults
from tests.results_round import AN, BINH, CUONG, DUNG, close_with_four
from tests.support.client import Person

# Who closes with which rank in `closed_round` (tests/results_round.py): An wins the first
# prize, Cường the second; Dung (third) and Bình (fourth) win nothing.
RANKS = {AN.uid: 1, CUONG.uid: 2, DUNG.uid: 3, BINH.uid: 4}
ERASE = "🗑 Xoá dữ liệu của tôi"


@dataclass(frozen=True)
class Closed:
    results: RoundResults
    people: dict[str, Person]  # by user id on Telegram
    ids: dict[str, int]  # participant id by user id


async def closed_round(app: App, clock: ManualClock) -> Closed:
    """2023-Q1 closed with four people and two prizes (first and second)."""
    app.svc.contest = app.svc.contest.model_copy(
        update={
            "prizes": [
                Prize(tier=Tier.FIRST, name="Giải Nhất", count=1),
                Prize(tier=Tier.SECOND, name="Giải Nhì", count=1),
            ]
        }
    )
    results = await close_with_four(app, clock)
    people = {uid: Person.on(app, "telegram", uid) for uid in RANKS}
    ids = {uid: await p.participant_id() for uid, p in people.items()}
    return Closed(results, people, ids)


async def erase(person: Person) -> None:
    """Ask to erase one's data and confirm."""
    await person.send("/xoadulieu")
    await person.tap(ERASE)
    assert "Đã rút lại sự đồng ý và xoá dữ liệu của bạn" in person.said, person.said


async def closed_and_erased(app: App, clock: ManualClock, uid: str) -> tuple[Closed, Person]:
    """`closed_round`, then the participant `uid` erases their data."""
    closed = await closed_round(app, clock)
    await erase(closed.people[uid])
    return closed, closed.people[uid]


async def rows(app: App, sql: str, **params: object) -> list[tuple[object, ...]]:
    """What a query of the tables returns, on whichever database the app uses."""
    async with app.db.engine.connect() as conn:
        return [tuple(r) for r in await conn.execute(text(sql), params)]


async def stored_about(app: App, pid: int) -> dict[str, list[tuple[object, ...]]]:
    """Every row naming an entry, table by table."""
    return {
        "participants": await rows(
            app,
            "SELECT full_name, phone, birth_year, source FROM participants WHERE id = :p",
            p=pid,
        ),
        "accounts": await rows(app, "SELECT id FROM accounts WHERE participant_id = :p", p=pid),
        "participant_phones": await rows(
            app, "SELECT phone FROM participant_phones WHERE participant_id = :p", p=pid
        ),
        "attempts": await rows(
            app, "SELECT round_code FROM attempts WHERE participant_id = :p", p=pid
        ),
        "winners": await rows(
            app, "SELECT full_name, phone FROM winners WHERE participant_id = :p", p=pid
        ),
    }


async def live_keys(
    app: App, user_keys: list[str], pid: int, *, expired_before: date | None = None
) -> list[str]:
    """The session store's keys that name one of these accounts or this entry, and the shared
    sets and codes that still hold one of them.

    The per-day counters (phones tried, wrong linking codes) expire two days after their
    day; with `expired_before`, those of earlier days count as gone, as they are in a store
    that lived through the days the test's clock skipped.
    """
    redis, k = app.store.redis, app.store.keys
    found = []
    async for key in redis.scan_iter(match=f"{k.prefix}:*"):
        day = key.rsplit(":", 1)[-1]
        if (
            expired_before is not None
            and key.startswith((f"{k.prefix}:phones:", f"{k.prefix}:linkfail:"))
            and date.fromisoformat(day) < expired_before
        ):
            continue
        names = any(key.endswith(f":{u}") or f":{u}:" in key for u in user_keys)
        code = key.startswith(f"{k.prefix}:link:") and str(await redis.get(key)).startswith(
            f"{pid}:"
        )
        if names or code or key in (k.attempt(pid), k.practice(pid), k.link_of(pid)):
            found.append(key)
    for u in user_keys:
        if await redis.sismember(k.blocked, u):
            found.append(f"{k.blocked} {u}")
    if await redis.zscore(k.deadlines, str(pid)) is not None:
        found.append(f"{k.deadlines} {pid}")
    if await redis.sismember(k.pending, str(pid)):
        found.append(f"{k.pending} {pid}")
    return found
