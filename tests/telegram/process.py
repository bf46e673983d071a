"""The real `quizbot run` process, talking to the fake Telegram server, for end-to-end tests.

    async with FakeTelegram(TOKEN) as tg, running_bot(tg, tmp_path, BotConfig(admins=(9,))) as bot:
        tg.user(1001, "An").send_text("/start")
        await tg.wait_for_text(1001, "Xin chào")
        bot.rows("SELECT count(*) FROM accounts")   # the process's SQLite database

The process gets a contest file whose only round is open today, a fresh SQLite database and
either the in-process store or a key prefix of the real Redis (tests/support/process.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from tests.fake_telegram import FakeTelegram
from tests.support.process import (
    DB_FILE,
    LOG_FILE,
    QUIZBOT,
    ROUND_CODE,
    ROUND_NAME,
    START_TIMEOUT,
    BotProcess,
    free_port,
    quizbot_environment,
    quizbot_settings,
    serving_quizbot,
)

__all__ = [
    "DB_FILE",
    "LOG_FILE",
    "QUIZBOT",
    "ROUND_CODE",
    "ROUND_NAME",
    "START_TIMEOUT",
    "TOKEN",
    "WEBHOOK_PATH",
    "BotConfig",
    "BotProcess",
    "free_port",
    "running_bot",
    "telegram_settings",
]

TOKEN = "123456:TEST-token"
WEBHOOK_PATH = "/telegram/webhook"


@dataclass(frozen=True)
class BotConfig:
    """How a test wants the bot process set up.

    `redis` is (url, key prefix) of the real Redis; without it the process uses its in-process
    store. Scripted users are fast, so the flood limit is high unless a test sets it.
    """

    mode: Literal["polling", "webhook"] = "polling"
    admins: tuple[int, ...] = ()
    redis: tuple[str, str] | None = None
    flood_limit: int = 1000
    flood_window: int = 10
    broadcast_rate: float | None = None
    send_rate: float | None = None
    webhook_port: int | None = None
    webhook_secret: str = ""

    def environment(self, tg: FakeTelegram, folder: Path) -> dict[str, str]:
        """The process's environment; `folder` holds its contest file, database and log."""
        settings = quizbot_settings(folder, flood_limit=self.flood_limit) | {
            "FLOOD_WINDOW": str(self.flood_window),
        }
        if self.redis is not None:
            settings["REDIS_URL"], settings["REDIS_PREFIX"] = self.redis
        if self.broadcast_rate is not None:
            settings["TELEGRAM_BROADCAST_RATE"] = str(self.broadcast_rate)
        port = None
        if self.send_rate is not None:
            settings["TELEGRAM_SEND_RATE"] = str(self.send_rate)
        if self.mode == "webhook":
            port = self.webhook_port or free_port()
            settings |= {"WEB_HOST": "127.0.0.1", "WEB_PORT": str(port)}
        settings |= telegram_settings(
            tg, mode=self.mode, admins=self.admins, port=port, secret=self.webhook_secret
        )
        return quizbot_environment(settings)


def telegram_settings(
    tg: FakeTelegram,
    *,
    mode: Literal["polling", "webhook"],
    admins: tuple[int, ...],
    port: int | None,
    secret: str,
) -> dict[str, str]:
    """What tells the process to use the fake Telegram `tg`; `admins` are the organisers' ids.

    In webhook mode Telegram calls the process's web server on `port` at WEBHOOK_PATH.
    """
    settings = {
        "TELEGRAM_BOT_TOKEN": tg.token,
        "TELEGRAM_API_BASE": tg.base_url,
        "TELEGRAM_MODE": mode,
        "TELEGRAM_ADMIN_IDS": ",".join(str(i) for i in admins),
    }
    if mode == "webhook":
        settings |= {
            "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}",
            "TELEGRAM_WEBHOOK_PATH": WEBHOOK_PATH,
            "TELEGRAM_WEBHOOK_SECRET": secret,
        }
    return settings


@asynccontextmanager
async def running_bot(
    tg: FakeTelegram, folder: Path, config: BotConfig | None = None
) -> AsyncIterator[BotProcess]:
    """Start `quizbot run` against `tg`, wait until it serves updates, and stop it afterwards.

    Leaving the block fails if the process did not exit cleanly on SIGTERM or logged a
    traceback. A second process started on the same folder continues the same database (and,
    given the same Redis prefix, the same sessions); its log is appended to the first one's.
    """
    config = config or BotConfig()
    calls_before = len(tg.requests)
    # Serving: polling has asked for updates, or the webhook is set (its server listens first).
    ready_call = "setWebhook" if config.mode == "webhook" else "getUpdates"

    def ready() -> bool:
        return any(r.method == ready_call for r in tg.requests[calls_before:])

    async with serving_quizbot(tg, folder, config.environment(tg, folder), ready) as bot:
        yield bot
