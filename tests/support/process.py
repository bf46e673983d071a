"""The real `quizbot run` process for end-to-end tests, whatever platform fakes it talks to.

The process runs in a folder of its own (its working directory, so no developer's .env is
read) holding a contest file whose only round is open today (the real 2023 rounds are in the
past), a fresh SQLite database and its log (`bot.log_since(offset)` shows what it said during
one test). tests/telegram/process.py and tests/zalo/process.py say which platform settings it
gets.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager, closing
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from pydantic import AliasChoices

from bot.config import Settings
from tests.support.fake_api import FakeApiServer

# Either fake platform server, whatever its message and delivery types.
Fake = FakeApiServer[Any, Any]

ROOT = Path(__file__).resolve().parents[2]
QUIZBOT = Path(sys.executable).with_name("quizbot")
ROUND_CODE = "LIVE"
ROUND_NAME = "Đợt thử nghiệm"
DB_FILE = "quizbot.db"
LOG_FILE = "quizbot.log"
# Starting takes 2-3 s on an idle machine; importing aiogram alone took 15-25 s while other test
# runs kept both cores busy, so the limit only catches a process that will never start.
START_TIMEOUT = 60.0
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
    data["localities"] = str(ROOT / data["localities"])
    path = folder / "contest.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class BotProcess:
    """A running `quizbot run`: its log, its database, and stopping it."""

    def __init__(
        self, proc: asyncio.subprocess.Process, log_path: Path, db_path: Path, web_url: str = ""
    ) -> None:
        self.proc = proc
        self.log_path = log_path
        self.db_path = db_path
        # Where the process serves its web pages (http://127.0.0.1:<WEB_PORT>).
        self.web_url = web_url

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

    async def wait_log(self, fake: Fake, substring: str, timeout: float = 10.0) -> None:  # noqa: ASYNC109 - as FakeApiServer.wait_for
        """Wait until the process logs a line containing `substring`."""

        def seen() -> bool:
            self.check_alive()
            return substring in self.log

        try:
            await fake.wait_for(seen, timeout)
        except AssertionError:
            raise AssertionError(
                f"the bot did not log {substring!r} within {timeout} s; its log:\n{self.log}"
            ) from None

    async def handled(self, fake: Fake, update: Mapping[str, Any]) -> None:
        """Wait until the bot has finished with a Telegram update (aiogram logs each one)."""
        await self.wait_log(fake, f"Update id={update['update_id']} is ")

    def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        """Rows of a query on the process's SQLite database (read-only)."""
        uri = f"file:{self.db_path}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=5)) as conn:
            return list(conn.execute(sql, params))

    def value(self, sql: str, *params: object) -> Any:
        """The single value a query returns."""
        return self.rows(sql, *params)[0][0]

    async def post_to_webhook(
        self, fake: Fake, url: str, body: bytes, headers: Mapping[str, str]
    ) -> tuple[int, str]:
        """POST raw `body` to the process's webhook at `url`: the status, and what it logged
        while answering."""
        offset = self.log_size()
        async with fake.client.post(url, data=body, headers=dict(headers)) as answer:
            return answer.status, self.log_since(offset)

    async def exited(self, timeout: float = START_TIMEOUT) -> int:  # noqa: ASYNC109 - a limit, not a pause
        """Wait for the process to exit on its own (a start it refuses); its exit code.

        A process still running after `timeout` is killed, and the wait fails with its log.
        """
        try:
            return await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            raise AssertionError(
                f"quizbot run was still running after {timeout} s; its log:\n{self.log}"
            ) from None

    async def command(self, *args: str) -> str:
        """What `quizbot ARGS` prints (stdout and stderr) on this process's database and
        contest file; fails with that output unless it exits with 0."""
        folder = self.db_path.parent
        env = os.environ | {
            "DATABASE_URL": f"sqlite:///{self.db_path}",
            "CONTEST_FILE": str(folder / "contest.yaml"),
            "COLUMNS": "200",
        }
        proc = await asyncio.create_subprocess_exec(
            str(QUIZBOT),
            *args,
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        assert proc.returncode == 0, out.decode()
        return out.decode()

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


def quizbot_settings(folder: Path, *, flood_limit: int = 1000) -> dict[str, str]:
    """What every test process gets: its database, a live contest, INFO logs.

    Scripted users are fast, so the flood limit is high unless a test sets it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    return {
        "DATABASE_URL": f"sqlite:///{folder / DB_FILE}",
        "CONTEST_FILE": str(live_contest(folder)),
        "FLOOD_LIMIT": str(flood_limit),
        "LOG_LEVEL": "INFO",
        # Every process serves its web pages; each test process on a port of its own.
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(free_port()),
    }


def quizbot_environment(settings: Mapping[str, str]) -> dict[str, str]:
    """The process's environment: the test's own minus any bot setting, plus `settings`."""
    # Nothing of the test's own environment configures the bot, only these settings.
    ours = {name.upper() for name in Settings.model_fields}
    for spec in Settings.model_fields.values():
        if isinstance(spec.validation_alias, AliasChoices):  # WEBHOOK_PORT for WEB_PORT
            ours |= {str(name).upper() for name in spec.validation_alias.choices}
    return {k: v for k, v in os.environ.items() if k.upper() not in ours} | dict(settings)


async def spawn_quizbot(folder: Path, env: Mapping[str, str]) -> BotProcess:
    """Start `quizbot run` in `folder`; its output is appended to the folder's log."""
    log_path = folder / LOG_FILE
    with log_path.open("ab") as log_file:
        proc = await asyncio.create_subprocess_exec(
            str(QUIZBOT),
            "run",
            cwd=folder,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    web_url = f"http://{env.get('WEB_HOST', '127.0.0.1')}:{env.get('WEB_PORT', '8080')}"
    return BotProcess(proc, log_path, folder / DB_FILE, web_url)


async def wait_serving(fake: Fake, bot: BotProcess, ready: Callable[[], bool]) -> None:
    """Wait until `ready()` (the process polls, or has set its webhook); fail with its log if it
    exits or does not get there in time."""

    def serving() -> bool:
        bot.check_alive()
        return ready()

    try:
        await fake.wait_for(serving, START_TIMEOUT)
    except AssertionError as exc:
        raise AssertionError(f"quizbot run did not start: {exc}\nits log:\n{bot.log}") from None


@asynccontextmanager
async def serving_quizbot(
    fake: Fake, folder: Path, env: Mapping[str, str], ready: Callable[[], bool]
) -> AsyncIterator[BotProcess]:
    """Start `quizbot run`, wait until `ready()`, and stop it (SIGTERM) afterwards.

    Leaving the block fails if the process did not exit cleanly or logged a traceback.
    """
    bot = await spawn_quizbot(folder, env)
    try:
        await wait_serving(fake, bot, ready)
        yield bot
    finally:
        code = await bot.stop()
    if code != 0:
        raise AssertionError(f"quizbot run exited with {code} after SIGTERM; its log:\n{bot.log}")
    if "Traceback" in bot.log:
        raise AssertionError(f"quizbot run logged an exception; its log:\n{bot.log}")
