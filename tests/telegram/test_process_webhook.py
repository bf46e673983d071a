"""`quizbot run` in webhook mode: the fake Telegram server POSTs updates to the real process.

One bot process serves the module (tests use their own user ids); stopping is tested on a
process of its own. The module's process has a low flood limit (5 updates a minute per user),
so the flooding test shares it: each other test sends at most three updates per user. The bot
answers a POST at once and handles the update in the background, so a test that needs an
update finished waits for the line aiogram logs about it.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.fake_telegram import FakeTelegram, FakeUser
from tests.telegram.process import (
    TOKEN,
    WEBHOOK_PATH,
    BotConfig,
    BotProcess,
    free_port,
    running_bot,
)
from tests.telegram.scripted import copies, said

pytestmark = pytest.mark.asyncio(loop_scope="module")

SECRET = "s3cret-Webhook_token"
FLOOD_LIMIT = 5


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(TOKEN) as server:
        yield server


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(
    tg: FakeTelegram, port: int, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[BotProcess]:
    """The bot process of this module, listening for Telegram's POSTs on `port`."""
    config = BotConfig(
        mode="webhook",
        webhook_port=port,
        webhook_secret=SECRET,
        flood_limit=FLOOD_LIMIT,
        flood_window=60,
    )
    async with running_bot(tg, tmp_path_factory.mktemp("webhook"), config) as process:
        yield process


def command(user: FakeUser, update_id: int, text: str) -> dict[str, Any]:
    """A hand-made update: `user` typing a command (not queued; the test POSTs it)."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "from": user.to_api(),
            "chat": user.chat_info(),
            "date": int(time.time()),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_the_bot_sets_its_webhook_with_the_secret_at_start(
    tg: FakeTelegram, bot: BotProcess, port: int
) -> None:
    assert tg.webhook_url == f"http://127.0.0.1:{port}{WEBHOOK_PATH}"
    assert tg.webhook_secret == SECRET
    (call,) = tg.calls("setWebhook")
    assert sorted(json.loads(call.params["allowed_updates"])) == ["callback_query", "message"]
    assert tg.calls("getUpdates") == []
    assert ("thi", "Vào thi") in tg.commands()
    tg.assert_no_violations()


async def test_a_participant_gets_the_welcome_through_the_webhook(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    update = tg.user(5001, "Lan").send_text("/start")
    await tg.wait_for_text(5001, "Xin chào Lan")

    await tg.deliver()
    (delivery,) = [d for d in tg.webhook_responses if d.update_id == update["update_id"]]
    assert (delivery.status, delivery.secret) == (200, SECRET)
    tg.assert_no_violations()


async def test_posts_without_the_secret_or_with_a_wrong_one_are_refused_and_change_nothing(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    user = tg.user(5002, "Quân")
    update = command(user, 900_001, "/dangky")

    unsigned = await tg.post_to_webhook(update, secret=None)
    forged = await tg.post_to_webhook(update, secret="not-the-secret")

    assert unsigned.status in (401, 403)
    assert forged.status in (401, 403)
    assert tg.sent_to(5002) == []
    # Neither refused POST marked the update as seen nor started a registration: the real
    # delivery of the same update is handled as new, from the first step.
    accepted = await tg.post_to_webhook(update, secret=SECRET)
    assert accepted.status == 200
    await tg.wait_for_text(5002, "1/6. Họ và tên")
    assert len(tg.sent_to(5002)) == 2  # the introduction and the first question
    tg.assert_no_violations()


async def test_an_update_delivered_twice_is_answered_once(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    update = tg.user(5003, "Sơn").send_text("/lichthi")
    await tg.wait_for_text(5003, "Lịch thi")

    tg.replay(update["update_id"])
    await tg.deliver()
    await bot.wait_log(tg, f"update {update['update_id']} delivered again: ignored")

    deliveries = [d for d in tg.webhook_responses if d.update_id == update["update_id"]]
    assert [d.status for d in deliveries] == [200, 200]
    assert copies(tg, 5003, "Lịch thi") == 1
    tg.assert_no_violations()


async def test_flooding_gets_one_slow_down_message_then_silence(
    tg: FakeTelegram, bot: BotProcess
) -> None:
    user = tg.user(5010, "Nam")
    user.send_text("/start")
    await tg.wait_for_text(5010, "Xin chào Nam")
    # Updates 2-5 are answered, 6 gets the slow-down message, 7 and 8 nothing.
    burst = [user.send_text("/huongdan") for _ in range(7)]
    for update in burst:
        await bot.handled(tg, update)
    tap = user.tap_button(said("menu.rules"))  # the 9th update in the window
    await bot.handled(tg, tap)

    assert copies(tg, 5010, "Hướng dẫn") == FLOOD_LIMIT - 1
    assert copies(tg, 5010, "Bạn thao tác nhanh quá") == 1
    assert copies(tg, 5010, "THỂ LỆ") == 0
    answer = tg.callback_answers[tap["callback_query"]["id"]]
    assert answer.text == said("common.slow_down")
    tg.assert_no_violations()


async def test_a_reply_in_flight_when_the_webhook_process_is_stopped_is_still_sent(
    tmp_path: Path,
) -> None:
    async with (
        FakeTelegram(TOKEN) as tg,
        running_bot(tg, tmp_path, BotConfig(mode="webhook", webhook_secret=SECRET)) as bot,
    ):
        try:
            tg.fail_next("sendMessage", 429, retry_after=1)
            update = tg.user(5004, "Tâm").send_text("/huongdan")
            # Refused: the reply waits a second before it is sent again.
            await tg.wait_for(lambda: tg.calls("sendMessage"))
            assert await bot.stop() == 0

            assert [c.status for c in tg.calls("sendMessage")] == [429, 200]
            assert copies(tg, 5004, "Hướng dẫn") == 1
            assert f"Update id={update['update_id']} is handled" in bot.log
            tg.assert_no_violations()
        finally:
            print(f"--- quizbot run log of the stopping test ---\n{bot.log}")


@pytest.mark.parametrize("body", [b"not json", b'{"update_id": 900100, "message":', b""])
async def test_a_body_that_is_not_json_is_a_bad_request_said_in_one_log_line(
    tg: FakeTelegram, bot: BotProcess, body: bytes
) -> None:
    assert tg.webhook_url is not None
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    status, logged = await bot.post_to_webhook(tg, tg.webhook_url, body, headers)
    assert status == 400
    assert logged.count("a body that is not JSON was refused (400)") == 1, logged
    assert "Traceback" not in logged
    assert "Error handling request" not in logged  # aiohttp's line before a traceback
