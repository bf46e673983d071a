"""The fake Zalo Bot API answers as the published reference says, and flags what breaks it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from aiohttp import web

from tests.fake_zalo import (
    EVENT_IMAGE,
    EVENT_STICKER,
    EVENT_TEXT,
    EVENT_UNSUPPORTED,
    SECRET_HEADER,
    FakeZalo,
)


@pytest.fixture
async def zl() -> AsyncIterator[FakeZalo]:
    async with FakeZalo() as server:
        yield server


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


async def call(
    http: httpx.AsyncClient, zl: FakeZalo, method: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    resp = await http.post(f"{zl.base_url}/bot{zl.token}/{method}", json=params)
    return resp.status_code, resp.json()


async def test_get_me_answers_the_bot_and_a_wrong_token_is_401(
    zl: FakeZalo, http: httpx.AsyncClient
) -> None:
    status, body = await call(http, zl, "getMe")
    assert status == 200
    assert body["ok"] is True
    assert body["result"]["account_name"] == zl.account_name
    resp = await http.post(f"{zl.base_url}/bot1:wrong/getMe", json={})
    assert resp.status_code == 401
    assert resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


async def test_get_updates_hands_out_one_documented_update_per_call(
    zl: FakeZalo, http: httpx.AsyncClient
) -> None:
    an = zl.user("u1", "Nguyễn Văn An")
    an.send_text("Xin chào")
    an.send_text("thi")
    _, first = await call(http, zl, "getUpdates", timeout="1")
    assert first["ok"] is True
    update = first["result"]
    assert update["event_name"] == EVENT_TEXT
    message = update["message"]
    assert message["text"] == "Xin chào"
    assert message["from"] == {"id": "u1", "display_name": "Nguyễn Văn An", "is_bot": False}
    assert message["chat"] == {"id": "u1", "chat_type": "PRIVATE"}
    assert isinstance(message["message_id"], str)
    assert message["date"] > 1_600_000_000_000  # milliseconds
    _, second = await call(http, zl, "getUpdates", timeout="1")
    assert second["result"]["message"]["text"] == "thi"
    assert zl.pending_updates == []


async def test_an_empty_long_poll_ends_after_its_timeout_with_error_408_in_an_http_200(
    zl: FakeZalo, http: httpx.AsyncClient
) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    status, body = await call(http, zl, "getUpdates", timeout="0.3")
    assert loop.time() - started >= 0.25
    assert status == 200
    assert body == {"ok": False, "error_code": 408, "description": "Request timeout"}
    assert zl.violations == []


async def test_a_long_poll_returns_as_soon_as_a_user_writes(
    zl: FakeZalo, http: httpx.AsyncClient
) -> None:
    poll = asyncio.create_task(call(http, zl, "getUpdates", timeout=10))
    await asyncio.sleep(0.1)
    zl.user("u1").send_text("A")
    _, body = await asyncio.wait_for(poll, 2)
    assert body["result"]["message"]["text"] == "A"


async def test_polling_and_a_webhook_exclude_each_other(
    zl: FakeZalo, http: httpx.AsyncClient
) -> None:
    status, body = await call(
        http, zl, "setWebhook", url="https://quiz.example/zalo", secret_token="s3cret-token"
    )
    assert status == 200
    assert body["result"]["url"] == "https://quiz.example/zalo"
    _, info = await call(http, zl, "getWebhookInfo")
    assert info["result"]["url"] == "https://quiz.example/zalo"
    status, body = await call(http, zl, "getUpdates", timeout="0")
    assert status == 409
    assert body["ok"] is False
    await call(http, zl, "deleteWebhook")
    _, info = await call(http, zl, "getWebhookInfo")
    assert info["result"]["url"] == ""
    status, body = await call(http, zl, "getUpdates", timeout="0")
    assert (status, body["error_code"]) == (200, 408)


@pytest.mark.parametrize(
    ("url", "secret", "problem"),
    [
        ("http://quiz.example/zalo", "s3cret-token", "not an HTTPS URL"),
        ("https://quiz.example/zalo", "short", "8-256 characters"),
        ("https://quiz.example/zalo", "x" * 257, "8-256 characters"),
    ],
)
async def test_set_webhook_needs_https_and_a_secret_of_8_to_256(
    zl: FakeZalo, http: httpx.AsyncClient, url: str, secret: str, problem: str
) -> None:
    status, _ = await call(http, zl, "setWebhook", url=url, secret_token=secret)
    assert status == 400
    assert problem in zl.violations[0]
    assert zl.webhook_url is None


async def test_send_message_takes_1_to_2000_characters(
    zl: FakeZalo, http: httpx.AsyncClient
) -> None:
    zl.user("u1")
    status, body = await call(http, zl, "sendMessage", chat_id="u1", text="x" * 2000)
    assert status == 200
    assert set(body["result"]) == {"message_id", "date"}
    assert zl.violations == []
    status, body = await call(http, zl, "sendMessage", chat_id="u1", text="x" * 2001)
    assert (status, body["ok"]) == (400, False)
    status, _ = await call(http, zl, "sendMessage", chat_id="u1", text="")
    assert status == 400
    assert len(zl.violations) == 2
    assert "2001 characters" in zl.violations[0]
    assert zl.texts("u1") == ["x" * 2000]


async def test_malformed_calls_are_violations(zl: FakeZalo, http: httpx.AsyncClient) -> None:
    zl.user("u1")
    await call(http, zl, "sendMessage", chat_id=123, text="hi")
    await call(http, zl, "sendMessage", chat_id="u1")
    await call(http, zl, "sendMessage", chat_id="u1", text="hi", parse_mode="HTML")
    await call(http, zl, "editMessageText", chat_id="u1", text="hi")
    await call(http, zl, "getUpdates", timeout="soon")
    resp = await http.get(f"{zl.base_url}/bot{zl.token}/getMe")
    assert resp.status_code == 405
    assert len(zl.violations) == 6, zl.violations
    assert zl.texts("u1") == []


async def test_unknown_chats_blocked_users_and_planned_failures_answer_errors(
    zl: FakeZalo, http: httpx.AsyncClient
) -> None:
    zl.user("u1")
    status, _ = await call(http, zl, "sendMessage", chat_id="nobody", text="hi")
    assert status == 400
    zl.block("u1")
    status, body = await call(http, zl, "sendMessage", chat_id="u1", text="hi")
    assert (status, body["error_code"]) == (403, 403)
    zl.unblock("u1")
    zl.fail_next("sendMessage", 429)
    zl.fail_next("sendMessage", 502)
    codes = [(await call(http, zl, "sendMessage", chat_id="u1", text="hi"))[0] for _ in range(3)]
    assert codes == [429, 502, 200]
    assert zl.violations == []


async def test_photo_sticker_and_chat_action(zl: FakeZalo, http: httpx.AsyncClient) -> None:
    zl.user("u1")
    _, body = await call(
        http, zl, "sendPhoto", chat_id="u1", photo="https://img.example/a.png", caption="Ảnh"
    )
    assert body["ok"] is True
    await call(http, zl, "sendSticker", chat_id="u1", sticker="0e078a2fb66a5f34067b")
    _, body = await call(http, zl, "sendChatAction", chat_id="u1", action="typing")
    assert body == {"ok": True}
    assert [m.kind for m in zl.sent_to("u1")] == ["photo", "sticker"]
    assert zl.texts("u1")[0] == "Ảnh"
    assert zl.violations == []


async def test_simulated_users_send_images_stickers_and_unsupported_messages(
    zl: FakeZalo,
) -> None:
    u = zl.user("u1", "Bình")
    image, sticker, unsupported = u.send_image("xem"), u.send_sticker(), u.send_unsupported()
    assert image["event_name"] == EVENT_IMAGE
    assert image["message"]["photo_url"].startswith("https://")
    assert image["message"]["caption"] == "xem"
    assert sticker["event_name"] == EVENT_STICKER
    assert unsupported["event_name"] == EVENT_UNSUPPORTED
    assert "text" not in unsupported["message"]
    assert unsupported["message"]["from"]["id"] == "u1"
    assert zl.push_unsupported_without_message() == {"event_name": EVENT_UNSUPPORTED}


async def test_webhook_gets_queued_updates_with_the_secret_in_the_documented_body(
    zl: FakeZalo, http: httpx.AsyncClient
) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get(SECRET_HEADER), json.loads(await request.text())))
        return web.json_response({"ok": True})

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        url = f"http://127.0.0.1:{port}/hook"
        await call(http, zl, "setWebhook", url=url, secret_token="s3cret-token")
        zl.user("u1", "An").send_text("A")
        zl.user("u1", "An").send_text("B")
        deliveries = await zl.deliver()
        assert [d.status for d in deliveries] == [200, 200]
        assert all(d.message_id for d in deliveries)
        (secret, wrapped), (_, flat) = received
        assert secret == "s3cret-token"
        # As documented, then as real deliveries are also seen: the update alone.
        assert wrapped["ok"] is True
        assert wrapped["result"]["event_name"] == EVENT_TEXT
        assert wrapped["result"]["message"]["text"] == "A"
        assert flat["event_name"] == EVENT_TEXT
        assert flat["message"]["text"] == "B"
        answer = await zl.post_to_webhook({"ok": True, "result": {}}, secret=None)
        assert answer.status == 200
        assert received[-1][0] is None
    finally:
        await runner.cleanup()


async def test_replay_hands_an_update_out_again(zl: FakeZalo, http: httpx.AsyncClient) -> None:
    sent = zl.user("u1").send_text("B")
    _, first = await call(http, zl, "getUpdates", timeout="1")
    zl.replay(sent["message"]["message_id"])
    _, again = await call(http, zl, "getUpdates", timeout="1")
    assert again["result"] == first["result"]


async def test_wait_for_text_names_what_was_sent(zl: FakeZalo, http: httpx.AsyncClient) -> None:
    zl.user("u1")
    await call(http, zl, "sendMessage", chat_id="u1", text="Câu 1/10")
    found = await zl.wait_for_text("u1", "Câu 1/10", timeout=1)
    assert found.seq == zl.last_seq()
    with pytest.raises(AssertionError, match="Câu 1/10"):
        await zl.wait_for_text("u1", "Câu 2/10", timeout=0.1)
