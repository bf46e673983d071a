"""The real `quizbot run` process on the fake Zalo server (and the fake Telegram one, if given).

    async with FakeZalo() as zl, running_zalo_bot(zl, tmp_path) as bot:
        ZaloParticipant(zl, zl.user("z1", "An")).say("thi", "...")
        bot.rows("SELECT count(*) FROM accounts")   # the process's SQLite database

The process gets a contest whose only round is open today, a fresh SQLite database and the
in-process store; its log goes to a file (`bot.log`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Literal

from tests.fake_telegram import FakeTelegram
from tests.fake_zalo import FakeZalo
from tests.support.process import (
    BotProcess,
    free_port,
    quizbot_environment,
    quizbot_settings,
    serving_quizbot,
)
from tests.telegram.process import telegram_settings

ZALO_PATH = "/zalo/webhook"

Mode = Literal["polling", "webhook"]


def environment(
    folder: Path,
    zl: FakeZalo,
    *,
    mode: Mode,
    secret: str,
    port: int,
    tg: FakeTelegram | None,
    admins: tuple[int, ...] = (),
) -> dict[str, str]:
    """The settings of a bot process using `folder`; webhook mode serves on `port`.

    `admins` are the organisers' Telegram ids (organisers work on Telegram).
    """
    settings = quizbot_settings(folder) | {
        "ZALO_BOT_TOKEN": zl.token,
        "ZALO_API_BASE": zl.base_url,
        "ZALO_MODE": mode,
    }
    if mode == "webhook":
        settings |= {
            "WEB_HOST": "127.0.0.1",
            "WEB_PORT": str(port),
            "ZALO_WEBHOOK_URL": f"http://127.0.0.1:{port}",
            "ZALO_WEBHOOK_PATH": ZALO_PATH,
            "ZALO_WEBHOOK_SECRET": secret,
        }
    if tg is not None:
        settings |= telegram_settings(tg, mode=mode, admins=admins, port=port, secret=secret)
    return quizbot_environment(settings)


@asynccontextmanager
async def running_zalo_bot(
    zl: FakeZalo,
    folder: Path,
    *,
    mode: Mode = "polling",
    secret: str = "",
    port: int | None = None,
    tg: FakeTelegram | None = None,
    admins: tuple[int, ...] = (),
) -> AsyncIterator[BotProcess]:
    """Start `quizbot run`, wait until it takes updates, and stop it (SIGTERM) afterwards.

    Leaving the block fails if the process did not exit cleanly or logged a traceback.
    """
    env = environment(
        folder, zl, mode=mode, secret=secret, port=port or free_port(), tg=tg, admins=admins
    )

    def ready() -> bool:
        zalo_ready = (
            zl.webhook_url is not None if mode == "webhook" else bool(zl.calls("getUpdates"))
        )
        if tg is None:
            return zalo_ready
        tg_ready = tg.webhook_url is not None if mode == "webhook" else bool(tg.calls("getUpdates"))
        return zalo_ready and tg_ready

    async with serving_quizbot(zl, folder, env, ready) as bot:
        yield bot
