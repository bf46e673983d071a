"""The Zalo client: documented calls, clear errors, bounded retries, and the token kept secret."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator

import httpx
import pytest

from bot.channels.zalo.client import ZaloApiError, ZaloClient, ZaloNetworkError
from tests.fake_zalo import FakeZalo


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sleeps(list[float]):
    """Records the waits instead of waiting."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
async def zl() -> AsyncIterator[FakeZalo]:
    async with FakeZalo() as server:
        yield server


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def client(zl: FakeZalo, sleeps: Sleeps) -> AsyncIterator[ZaloClient]:
    async with ZaloClient(zl.token, base_url=zl.base_url, sleep=sleeps) as c:
        yield c


async def test_documented_calls_round_trip(zl: FakeZalo, client: ZaloClient) -> None:
    zl.user("u1", "An")
    assert (await client.get_me())["account_name"] == zl.account_name
    sent = await client.send_message("u1", "Xin chào")
    assert set(sent) == {"message_id", "date"}
    await client.send_photo("u1", "https://img.example/a.png", caption="Ảnh")
    assert await client.send_chat_action("u1") is None
    await client.set_webhook("https://quiz.example/zalo", "s3cret-token")
    assert (await client.get_webhook_info())["url"] == "https://quiz.example/zalo"
    await client.delete_webhook()
    assert (await client.get_webhook_info())["url"] == ""
    assert zl.texts("u1") == ["Xin chào", "Ảnh"]
    zl.assert_no_violations()


async def test_get_updates_gives_the_update_as_a_list_and_an_empty_poll_as_none(
    zl: FakeZalo, client: ZaloClient
) -> None:
    assert await client.get_updates(poll_seconds=0) == []
    zl.user("u1").send_text("A")
    updates = await client.get_updates(poll_seconds=1)
    assert [u["message"]["text"] for u in updates] == ["A"]
    assert zl.calls("getUpdates")[-1].params == {"timeout": "1"}


async def test_too_many_requests_and_server_errors_are_retried_with_growing_waits(
    zl: FakeZalo, client: ZaloClient, sleeps: Sleeps
) -> None:
    zl.user("u1")
    zl.fail_next("sendMessage", 429)
    zl.fail_next("sendMessage", 502)
    zl.fail_next("sendMessage", 500)
    await client.send_message("u1", "Câu 1")
    assert sleeps == [0.5, 1.0, 2.0]
    assert zl.texts("u1") == ["Câu 1"]


async def test_retries_are_bounded_and_end_in_a_clear_error(
    zl: FakeZalo, client: ZaloClient, sleeps: Sleeps
) -> None:
    zl.user("u1")
    for _ in range(4):
        zl.fail_next("sendMessage", 503, "Service Unavailable")
    with pytest.raises(ZaloApiError) as caught:
        await client.send_message("u1", "Câu 1")
    assert (caught.value.error_code, caught.value.description) == (503, "Service Unavailable")
    assert caught.value.retryable
    assert len(sleeps) == 3
    assert len(zl.calls("sendMessage")) == 4


async def test_bad_requests_and_blocked_users_are_not_retried(
    zl: FakeZalo, client: ZaloClient, sleeps: Sleeps
) -> None:
    zl.user("u1")
    with pytest.raises(ZaloApiError) as too_long:
        await client.send_message("u1", "x" * 2001)
    assert too_long.value.error_code == 400
    zl.block("u1")
    with pytest.raises(ZaloApiError) as blocked:
        await client.send_message("u1", "hi")
    assert blocked.value.forbidden
    assert sleeps == []


async def test_an_unreachable_server_is_a_network_error_after_the_retries(
    sleeps: Sleeps,
) -> None:
    base = f"http://127.0.0.1:{free_port()}"
    async with ZaloClient("1:secret-token", base_url=base, sleep=sleeps) as client:
        with pytest.raises(ZaloNetworkError) as caught:
            await client.get_me()
    assert len(sleeps) == 3
    assert "secret-token" not in str(caught.value)


async def test_a_retry_delay_zalo_gives_is_honoured_up_to_the_cap(sleeps: Sleeps) -> None:
    answers = iter(
        [
            httpx.Response(
                429,
                json={
                    "ok": False,
                    "error_code": 429,
                    "description": "slow",
                    "parameters": {"retry_after": 3},
                },
            ),
            httpx.Response(
                429,
                headers={"Retry-After": "999"},
                json={"ok": False, "error_code": 429, "description": "slow"},
            ),
            httpx.Response(200, json={"ok": True, "result": {"message_id": "m", "date": 1}}),
        ]
    )
    transport = httpx.MockTransport(lambda request: next(answers))
    async with ZaloClient("1:t", sleep=sleeps, transport=transport, max_delay=30) as client:
        await client.send_message("u1", "hi")
    assert sleeps == [3.0, 30.0]


async def test_an_answer_that_is_not_json_is_a_clear_error(sleeps: Sleeps) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text="<html>"))
    async with ZaloClient("1:t", sleep=sleeps, transport=transport) as client:
        with pytest.raises(ZaloApiError, match="unreadable answer"):
            await client.get_me()


async def test_the_token_never_reaches_the_log(
    zl: FakeZalo, client: ZaloClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    zl.user("u1")
    zl.fail_next("sendMessage", 500)
    await client.send_message("u1", "hi")
    await client.get_updates(poll_seconds=0)
    assert "HTTP Request" in caplog.text  # httpx did log the calls...
    assert "/bot***/sendMessage" in caplog.text
    secret = zl.token.partition(":")[2]
    assert secret not in caplog.text  # ...without the token
