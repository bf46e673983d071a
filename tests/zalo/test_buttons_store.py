"""The buttons a channel without buttons last listed: kept per user for a day, then forgotten."""

from __future__ import annotations

from storage.keys import BUTTONS_TTL
from storage.session import SessionStore, in_process_redis


async def test_buttons_last_shown_come_back_in_order_with_a_day_to_live() -> None:
    store = SessionStore(in_process_redis(), "t")
    shown = [("A", "a:abcdefghij:0:0"), ("Người dân", "r:res")]
    await store.save_buttons("zalo:1", shown)
    assert await store.buttons("zalo:1") == shown
    assert await store.buttons("zalo:2") == []
    ttl = await store.redis.ttl(store.keys.buttons("zalo:1"))
    assert BUTTONS_TTL.total_seconds() - 5 < ttl <= BUTTONS_TTL.total_seconds()


async def test_showing_no_buttons_forgets_the_previous_ones() -> None:
    store = SessionStore(in_process_redis(), "t")
    await store.save_buttons("zalo:1", [("1", "m:quiz")])
    await store.save_buttons("zalo:1", [])
    assert await store.buttons("zalo:1") == []
    assert not await store.redis.exists(store.keys.buttons("zalo:1"))
