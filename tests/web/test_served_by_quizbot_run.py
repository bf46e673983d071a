"""`quizbot run` serves the web pages itself, in polling mode too, with the bot's own links,
and counts its Bot API calls for /metrics."""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.fake_telegram import FakeTelegram
from tests.telegram.process import TOKEN, BotConfig, running_bot
from tests.web.test_operators_endpoints import metric


async def test_a_polling_bot_serves_the_page_health_and_metrics(tmp_path: Path) -> None:
    async with (
        FakeTelegram(TOKEN) as tg,
        running_bot(tg, tmp_path, BotConfig()) as bot,
        httpx.AsyncClient(base_url=bot.web_url) as web,
    ):
        home = await web.get("/")
        assert home.status_code == 200
        # The deep link names the bot as Telegram's getMe does.
        assert 'href="https://t.me/fake_quiz_bot?start=web"' in home.text
        assert (await web.get("/healthz")).json() == {"status": "ok"}
        assert (await web.get("/readyz")).json()["status"] == "ok"

        tg.fail_next("sendMessage", 429, retry_after=1)
        sent = tg.user(8001, "An").send_text("/start")
        await tg.wait_for_text(8001, "Xin chào")
        await bot.handled(tg, sent)
        text = (await web.get("/metrics")).text
    calls = {"channel": "telegram", "method": "sendMessage"}
    assert metric(text, "quizbot_bot_api_calls_total", **calls) == 2  # refused once, then sent
    assert metric(text, "quizbot_bot_api_rate_limited_total", **calls) == 1
    assert metric(text, "quizbot_bot_api_calls_total", channel="telegram", method="getMe") >= 1
    assert metric(text, "quizbot_updates_total", channel="telegram", outcome="handled") == 1
