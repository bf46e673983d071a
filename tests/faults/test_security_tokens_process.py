"""The real `quizbot run` never writes its bot token, when Telegram's servers misbehave.

The token has the real shape (`<bot id>:<35 characters>`). Two failures that used to print
it: Telegram's file server failing once while an organiser uploads a bank (the ERROR line and
its traceback held `…/file/bot<TOKEN>/…`), and a Bot API address that redirects in a loop
(the start-up traceback held `…/bot<TOKEN>/setMyCommands`). The whole output of the process
(stdout and stderr, at DEBUG) is searched for the token's secret part.
"""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from tests.fake_telegram import FakeTelegram
from tests.faults.support import bot_process
from tests.support.process import spawn_quizbot
from tests.telegram.process import BotConfig
from tests.telegram.scripted import ADMIN, said
from tests.telegram.test_admin_in_chat import bank_bytes

TOKEN = "7123456789:AAFq3bZ8xK2mN4pQ6rS8tU0vW2yZ4aB6cD8"
SECRET = TOKEN.partition(":")[2]


async def test_a_failed_download_of_an_upload_writes_no_token(tmp_path: Path) -> None:
    async with FakeTelegram(TOKEN) as tg:
        config = BotConfig(admins=(ADMIN,))
        async with bot_process(tg, tmp_path, config, LOG_LEVEL="DEBUG") as bot:
            organiser = tg.user(ADMIN, "BTC")
            tg.fail_next_download(500)
            organiser.send_document("ngan-hang.csv", bank_bytes(12))
            asked = said("admin.bank_download_failed", file="ngan-hang.csv")
            await tg.wait_for_text(ADMIN, asked)
            organiser.send_document("ngan-hang.csv", bank_bytes(12))
            await tg.wait_for_text(ADMIN, "hợp lệ: 12 câu hỏi")

            bot.proc.send_signal(signal.SIGTERM)
            assert await bot.proc.wait() == 0
            log = bot.log
    assert "could not download an uploaded file: HTTP 500" in log
    assert "Traceback" not in log, log
    assert SECRET not in log, log
    tg.assert_no_violations()


async def test_a_redirect_loop_at_start_stops_the_bot_with_a_clear_line_and_no_token(
    tmp_path: Path,
) -> None:
    async with FakeTelegram(TOKEN) as tg:
        tg.redirect_in_a_loop()
        env = BotConfig(admins=(ADMIN,)).environment(tg, tmp_path) | {"LOG_LEVEL": "DEBUG"}
        bot = await spawn_quizbot(tmp_path, env)
        try:
            code = await asyncio.wait_for(bot.proc.wait(), 30)
        finally:
            if bot.proc.returncode is None:
                bot.proc.kill()
                await bot.proc.wait()
        log = bot.log
    assert code == 1, log
    assert "cannot start: the Telegram Bot API at" in log
    assert "failed at start: too many redirects" in log
    assert "Traceback" not in log, log
    assert SECRET not in log, log
