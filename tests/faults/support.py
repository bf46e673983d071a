"""What the fault scenarios share: bots on the real servers, a Redis server of their own, waiting.

async with bot_on_real_redis(folder, template, prefix, clock) as app: ...
async with RedisServer(folder / "redis", persistent=True) as server:
    server.kill(); server.start()
"""

from __future__ import annotations

import asyncio
import random
import shutil
import signal
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeVar

import pytest
from redis import Redis as SyncRedis
from redis.exceptions import ConnectionError as RedisConnectionError

from bot.app import App, open_app
from bot.channels.telegram.channel import TelegramChannel
from bot.clock import ManualClock
from bot.config import Settings
from handlers.rounds import reconcile
from tests.conftest import CONTEST_FILE, _build_template, _copy_template
from tests.fake_telegram import FakeTelegram
from tests.support.process import spawn_quizbot, wait_serving
from tests.support.servers import REDIS_URL
from tests.telegram.process import (
    BotConfig,
    BotProcess,
    free_port,
)
from tests.telegram.recording import RecordingSession, recording_bot

T = TypeVar("T")


async def wait_until(
    predicate: Callable[[], T | None],
    what: str,
    timeout: float = 10.0,  # noqa: ASYNC109 - a plain argument reads better in tests
    every: float = 0.01,
) -> T:
    """Poll `predicate` until it returns something truthy; fail saying `what` did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        await asyncio.sleep(every)


def sqlite_settings(path: Path, **changes: object) -> Settings:
    """Settings of a bot on the SQLite file at `path` (and the in-process store unless changed)."""
    base = Settings(
        database_url=f"sqlite+aiosqlite:///{path}",
        redis_url=None,
        contest_file=CONTEST_FILE,
        results_dir=path.parent / "results",
        _env_file=None,
    )
    return base.model_copy(update=changes)


async def copy_of_template(template: Path, settings: Settings) -> None:
    """Start a SQLite database as a copy of the migrated template with the sample bank."""
    if not _copy_template(template, settings):
        await _build_template(template, settings)
        _copy_template(template, settings)


@asynccontextmanager
async def open_bot(settings: Settings, clock: ManualClock, *, seed: int = 7) -> AsyncIterator[App]:
    """A whole bot with `settings`, its rounds opened or closed as the clock says."""
    async with open_app(settings, clock=clock, rng=random.Random(seed)) as app:
        await reconcile(app.svc)
        yield app


@asynccontextmanager
async def bot_on_real_redis(
    db_path: Path, template: Path, prefix: str, clock: ManualClock, *, seed: int = 7
) -> AsyncIterator[App]:
    """A bot on a SQLite copy of the template and the real Redis under `prefix`."""
    settings = sqlite_settings(db_path, redis_url=REDIS_URL, redis_prefix=prefix)
    await copy_of_template(template, settings)
    async with open_bot(settings, clock, seed=seed) as app:
        yield app


def telegram_channel(app: App) -> tuple[RecordingSession, TelegramChannel]:
    """The Telegram channel of `app` on a recording Bot session (no network)."""
    bot, session = recording_bot()
    channel = TelegramChannel(bot, app.engine, app.store, app.svc.texts, flood_limit=100_000)
    return session, channel


class RedisServer:
    """A redis-server of the test's own on a free port of 127.0.0.1, killed and restarted at will.

    `persistent` turns on the append-only file with an fsync after every write, so a SIGKILL
    loses nothing that was acknowledged; without it the data lives in memory only.
    """

    def __init__(self, folder: Path, *, persistent: bool) -> None:
        if shutil.which("redis-server") is None:
            pytest.fail("redis-server is not installed; install it with: apt-get install redis")
        self.folder = folder
        self.persistent = persistent
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None
        folder.mkdir(parents=True, exist_ok=True)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        """Start the server on its port and folder, and wait until it answers."""
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "always"]
            if self.persistent
            else ["--appendonly", "no"]
        )
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.folder),
                "--save",
                "",
                *persistence,
                "--logfile",
                str(self.folder / "redis.log"),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        client = SyncRedis(host="127.0.0.1", port=self.port, socket_timeout=1)
        try:
            while True:
                try:
                    if client.ping():
                        return
                except RedisConnectionError:
                    pass
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    log = self.folder / "redis.log"
                    said = log.read_text(errors="replace") if log.exists() else ""
                    raise AssertionError(f"redis-server did not start on {self.port}:\n{said}")
                time.sleep(0.01)
        finally:
            client.close()

    def kill(self) -> None:
        """SIGKILL: no shutdown, no final save."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self.proc = None

    def __enter__(self) -> RedisServer:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.kill()


def chattr(flag: str, *paths: Path) -> None:
    if shutil.which("chattr") is None:
        pytest.fail("chattr is missing; install it with: apt-get install e2fsprogs")
    done = subprocess.run(["chattr", flag, *map(str, paths)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.fail(f"chattr {flag} failed (needs root on ext4 or similar): {done.stderr}")


@asynccontextmanager
async def sqlite_immutable(path: Path) -> AsyncIterator[None]:
    """The database file and its write-ahead log cannot be written (the shared-memory index
    stays writable: readers map it)."""
    files = [path, path.with_name(path.name + "-wal")]
    chattr("+i", *files)
    try:
        yield
    finally:
        chattr("-i", *files)


@asynccontextmanager
async def bot_process(
    tg: FakeTelegram, folder: Path, config: BotConfig, **settings: str
) -> AsyncIterator[BotProcess]:
    """`quizbot run` on `folder`, serving once it polls; killed afterwards if still running.

    Unlike running_bot, leaving does not stop it: a test kills or stops it itself.
    `settings` are more environment variables (LOG_LEVEL="DEBUG").
    """
    # Only the scheduler's leader broadcasts; a killed leader's lock lapses after this long.
    env = config.environment(tg, folder) | {"LEADER_TTL_SECONDS": "3"} | settings
    polls_before = len(tg.calls("getUpdates"))
    bot = await spawn_quizbot(folder, env)
    try:
        await wait_serving(tg, bot, lambda: len(tg.calls("getUpdates")) > polls_before)
        yield bot
    finally:
        if bot.proc.returncode is None:
            bot.proc.kill()
            await bot.proc.wait()
