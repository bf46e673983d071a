"""The real `quizbot run` process, talking to the fake Telegram server, for end-to-end tests.

    async with FakeTelegram(TOKEN) as tg, running_bot(tg, tmp_path, BotConfig(admins=(9,))) as bot:
        tg.user(1001, "An").send_text("/start")
        await tg.wait_for_text(1001, "Xin chào")
        bot.rows("SELECT count(*) FROM accounts")   # the process's SQLite database

The process gets a contest file whose only round is open today (the real 2023 rounds are in the
past), a fresh SQLite database and either the in-process store or a key prefix of the real
Redis. Its log goes to a file: `bot.log_since(offset)` shows what it said during one test.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

import yaml

from bot.config import Settings
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parents[2]
QUIZBOT = Path(sys.executable).with_name("quizbot")
TOKEN = "123456:TEST-token"
ROUND_CODE = "LIVE"
ROUND_NAME = "Đợt thử nghiệm"
WEBHOOK_PATH = "/telegram/webhook"
DB_FILE = "quizbot.db"
LOG_FILE = "quizbot.log"
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0


def free_port() -> int:
    """A TCP port nobody listens on now (the OS picks it)."""
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def today_local() -> date:
    """Today in the contest's time zone."""
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()


def live_contest(folder: Path) -> Path:
    """contest.yaml with one round that opened yesterday and closes in five days (local time)."""
    data = yaml.safe_load((ROOT / "contest.yaml").read_text(encoding="utf-8"))
    today = today_local()
    data["rounds"] = [
        {
            "code": ROUND_CODE,
            "name": ROUND_NAME,
            "opens": today - timedelta(days=1),
            "closes": today + timedelta(days=5),
        }
    ]
    bank = Path(str(data["question_bank"]))
    data["question_bank"] = str(bank if bank.is_absolute() else ROOT / bank)
    path = folder / "contest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class BotProcess:
    """A running `quizbot run`: its log, its database, and stopping it."""

    def __init__(self, proc: asyncio.subprocess.Process, log_path: Path, db_path: Path) -> None:
        self.proc = proc
        self.log_path = log_path
        self.db_path = db_path

    @property
    def log(self) -> str:
        """Everything the process has logged so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_size(self) -> int:
        """Where the log ends now (for log_since)."""
        return self.log_path.stat().st_size

    def log_since(self, offset: int) -> str:
        """What the process logged after `offset`."""
        with self.log_path.open("rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", errors="replace")

    def check_alive(self) -> None:
        """Fail with the log if the process has exited."""
        code = self.proc.returncode
        if code is not None:
            raise AssertionError(f"quizbot run exited with {code}; its log:\n{self.log}")

    async def wait_log(self, tg: FakeTelegram, substring: str, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - as FakeTelegram.wait_for
        """Wait until the process logs a line containing `substring`."""

        def seen() -> bool:
            self.check_alive()
            return substring in self.log

        try:
            await tg.wait_for(seen, timeout)
        except AssertionError:
            raise AssertionError(
                f"the bot did not log {substring!r} within {timeout} s; its log:\n{self.log}"
            ) from None

    async def handled(self, tg: FakeTelegram, update: Mapping[str, Any]) -> None:
        """Wait until the bot has finished with an update (aiogram logs each one)."""
        await self.wait_log(tg, f"Update id={update['update_id']} is ")

    def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        """Rows of a query on the process's SQLite database (read-only)."""
        uri = f"file:{self.db_path}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=5)) as conn:
            return list(conn.execute(sql, params))

    def value(self, sql: str, *params: object) -> Any:
        """The single value a query returns."""
        return self.rows(sql, *params)[0][0]

    async def stop(self) -> int:
        """SIGTERM, then wait for a clean exit; returns the exit code."""
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), STOP_TIMEOUT)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
                raise AssertionError(
                    f"quizbot run did not stop within {STOP_TIMEOUT} s of SIGTERM; its log:\n"
                    f"{self.log}"
                ) from None
        return await self.proc.wait()


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
    webhook_port: int | None = None
    webhook_secret: str = ""

    def environment(self, tg: FakeTelegram, folder: Path) -> dict[str, str]:
        """The process's environment; `folder` holds its contest file, database and log."""
        folder.mkdir(parents=True, exist_ok=True)
        settings = {
            "TELEGRAM_BOT_TOKEN": tg.token,
            "TELEGRAM_API_BASE": tg.base_url,
            "TELEGRAM_MODE": self.mode,
            "TELEGRAM_ADMIN_IDS": ",".join(str(i) for i in self.admins),
            "DATABASE_URL": f"sqlite:///{folder / DB_FILE}",
            "CONTEST_FILE": str(live_contest(folder)),
            "FLOOD_LIMIT": str(self.flood_limit),
            "FLOOD_WINDOW": str(self.flood_window),
            "LOG_LEVEL": "INFO",
        }
        if self.redis is not None:
            settings["REDIS_URL"], settings["REDIS_PREFIX"] = self.redis
        if self.broadcast_rate is not None:
            settings["TELEGRAM_BROADCAST_RATE"] = str(self.broadcast_rate)
        if self.mode == "webhook":
            port = self.webhook_port or free_port()
            settings |= {
                "WEBHOOK_HOST": "127.0.0.1",
                "WEBHOOK_PORT": str(port),
                "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}",
                "TELEGRAM_WEBHOOK_PATH": WEBHOOK_PATH,
                "TELEGRAM_WEBHOOK_SECRET": self.webhook_secret,
            }
        # Nothing of the test's own environment configures the bot, only these settings.
        ours = {name.upper() for name in Settings.model_fields}
        inherited = {k: v for k, v in os.environ.items() if k.upper() not in ours}
        return inherited | settings


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
    env = config.environment(tg, folder)
    log_path = folder / LOG_FILE
    calls_before = len(tg.requests)
    with log_path.open("ab") as log_file:
        # The folder as working directory: no .env of the developer's is read.
        proc = await asyncio.create_subprocess_exec(
            str(QUIZBOT),
            "run",
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    bot = BotProcess(proc, log_path, folder / DB_FILE)
    # Serving: polling has asked for updates, or the webhook is set (its server listens first).
    ready_call = "setWebhook" if config.mode == "webhook" else "getUpdates"

    def ready() -> bool:
        bot.check_alive()
        return any(r.method == ready_call for r in tg.requests[calls_before:])

    try:
        try:
            await tg.wait_for(ready, START_TIMEOUT)
        except AssertionError as exc:
            raise AssertionError(f"quizbot run did not start: {exc}\nits log:\n{bot.log}") from None
        yield bot
    finally:
        code = await bot.stop()
    if code != 0:
        raise AssertionError(f"quizbot run exited with {code} after SIGTERM; its log:\n{bot.log}")
    if "Traceback" in bot.log:
        raise AssertionError(f"quizbot run logged an exception; its log:\n{bot.log}")
