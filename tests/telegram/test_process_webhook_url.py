"""An http:// TELEGRAM_WEBHOOK_URL stops `quizbot run` in one clear message, before anything is
asked of Telegram (which calls HTTPS addresses only): not with a traceback from setWebhook."""

from __future__ import annotations

from pathlib import Path

from tests.fake_telegram import FakeTelegram
from tests.support.process import spawn_quizbot
from tests.telegram.process import TOKEN, BotConfig


async def test_an_http_webhook_url_stops_the_start_in_one_message_before_calling_telegram(
    tmp_path: Path,
) -> None:
    async with FakeTelegram(TOKEN) as tg:
        env = BotConfig(mode="webhook", webhook_secret="s3cret-Webhook_token").environment(
            tg, tmp_path
        )
        url = "http://quiz.example.gov.vn"
        bot = await spawn_quizbot(tmp_path, env | {"TELEGRAM_WEBHOOK_URL": url, "COLUMNS": "200"})
        code = await bot.exited()

        assert tg.requests == []  # not even getMe or setMyCommands
    said = bot.log
    assert code == 2, said
    assert (
        "Cấu hình chưa đúng: TELEGRAM_WEBHOOK_URL must be an https:// address, the only kind"
        f" the platform calls (it is '{url}')"
    ) in said
    assert "Traceback" not in said
