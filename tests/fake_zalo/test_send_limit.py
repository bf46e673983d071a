"""The fake Zalo can refuse sends past a configured limit, as a platform under load would."""

from __future__ import annotations

import httpx

from tests.fake_telegram import Limits
from tests.fake_zalo import FakeZalo


async def test_sends_past_the_configured_limit_are_answered_429_with_retry_after() -> None:
    limits = Limits(per_bot=None, per_chat=1.0, chat_burst=2, per_group_minute=None)
    async with FakeZalo(limits=limits) as zl, httpx.AsyncClient() as http:
        zl.user("u1", "An")
        url = f"{zl.base_url}/bot{zl.token}/sendMessage"
        answers = [
            (await http.post(url, json={"chat_id": "u1", "text": f"tin {i}"})) for i in range(3)
        ]
        typing = await http.post(
            f"{zl.base_url}/bot{zl.token}/sendChatAction",
            json={"chat_id": "u1", "action": "typing"},
        )

    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests",
        "parameters": {"retry_after": 1},
    }
    assert typing.status_code == 200  # "typing…" is not a message
    assert zl.texts("u1") == ["tin 0", "tin 1"]
    assert zl.too_many == 1


async def test_without_a_limit_nothing_is_refused() -> None:
    async with FakeZalo() as zl, httpx.AsyncClient() as http:
        zl.user("u1", "An")
        url = f"{zl.base_url}/bot{zl.token}/sendMessage"
        for i in range(10):
            assert (await http.post(url, json={"chat_id": "u1", "text": str(i)})).is_success
