"""LOG_FORMAT=json: one JSON object per line for a log collector, with each update's channel,
kind and outcome, and never a phone number or a bot token."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot import logs
from bot.app import App
from storage.backup import backup
from storage.db import Database
from tests.faults.phones import phones_in
from tests.support.client import Person

TOKEN = "7123456789:AAFq3bZ8xK2mN4pQ6rS8tU0vW2yZ4aB6cD8"
SECRET = TOKEN.partition(":")[2]
ROOT = Path(__file__).resolve().parents[2]


def record(message: str, *args: object, **extra: Any) -> logging.LogRecord:
    made = logging.LogRecord("bot.test", logging.WARNING, __file__, 1, message, args, None)
    made.__dict__.update(extra)
    return made


def as_json(made: logging.LogRecord, secrets: tuple[str, ...] = ()) -> dict[str, Any]:
    line = logs.JsonFormatter(secrets=secrets).format(made)
    assert "\n" not in line
    parsed: dict[str, Any] = json.loads(line)
    return parsed


def test_a_line_carries_time_level_logger_and_message() -> None:
    entry = as_json(record("round %s opened", "2024-Q1"))

    assert entry["level"] == "WARNING"
    assert entry["logger"] == "bot.test"
    assert entry["message"] == "round 2024-Q1 opened"
    assert entry["time"].endswith("+00:00")


def test_a_token_and_a_phone_in_a_message_are_hidden() -> None:
    entry = as_json(
        record(
            "GET https://api.telegram.org/bot%s/getMe failed for 0912 345 678 and +84987654321",
            TOKEN,
        )
    )

    shown = json.dumps(entry, ensure_ascii=False)
    assert SECRET not in shown
    assert phones_in(shown, ["0912345678", "+84987654321"]) == []
    assert entry["message"] == (
        "GET https://api.telegram.org/bot***/getMe failed for *******678 and *******321"
    )


def test_a_token_and_a_phone_in_a_traceback_are_hidden() -> None:
    try:
        raise RuntimeError(f"refused {TOKEN} for 0987654321")
    except RuntimeError:
        made = record("update failed")
        made.exc_info = sys.exc_info()
    entry = as_json(made, secrets=(TOKEN,))

    assert "RuntimeError: refused" in entry["exception"]
    assert SECRET not in entry["exception"]
    assert phones_in(entry["exception"], ["0987654321"]) == []


def test_ordinary_numbers_are_not_taken_for_phones() -> None:
    line = "update 812345678 from telegram:7123456789 at 2024-03-05 09:12:33, chat -1001234567890"
    assert logs.redact(line) == line


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """What the project's JSON handler writes at INFO while the test runs."""
    stream = io.StringIO()
    handler = logs.handler(stream, fmt="json")
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


async def test_each_update_is_one_line_with_its_channel_kind_and_outcome(
    app: App, json_log: io.StringIO
) -> None:
    an = Person.on(app, "telegram", "101", "Nguyễn Văn An")
    await an.register(name="Nguyễn Văn An", phone="0912345678")
    await Person.on(app, "zalo", "z-5", "Bình").send("xin chào")

    entries = [json.loads(line) for line in json_log.getvalue().splitlines()]
    updates = [e for e in entries if e["logger"] == "bot.updates"]
    assert {"channel": "telegram", "kind": "command", "outcome": "handled"}.items() <= updates[
        0
    ].items()
    assert {(e["channel"], e["kind"], e["outcome"]) for e in updates} == {
        ("telegram", "command", "handled"),
        ("telegram", "text", "handled"),
        ("telegram", "contact", "handled"),
        ("telegram", "choice", "handled"),
        ("zalo", "text", "handled"),
    }
    assert all(isinstance(e["duration_ms"], float) for e in updates)
    assert phones_in(json_log.getvalue(), ["0912345678"]) == []


def test_the_command_line_logs_json_when_told(tmp_path: Path) -> None:
    """A real quizbot process with LOG_FORMAT=json: every line of its log (stderr) is a JSON
    object; what it tells the operator goes to stdout."""
    asyncio.run(a_backup(tmp_path / "source.db", tmp_path / "b.gz"))
    env = {
        **os.environ,
        "LOG_FORMAT": "json",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'new.db'}",
        "CONTEST_FILE": str(ROOT / "contest.yaml"),
        "REDIS_URL": "",
    }
    quizbot = Path(sys.executable).with_name("quizbot")
    done = subprocess.run(
        [quizbot, "restore", tmp_path / "b.gz"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )

    assert done.returncode == 0, done.stderr
    assert "Đã khôi phục" in done.stdout
    entries = [json.loads(line) for line in done.stderr.splitlines()]
    assert {e["logger"] for e in entries} == {"alembic.runtime.migration"}
    assert any(e["message"].startswith("Running upgrade") for e in entries)


async def a_backup(database: Path, path: Path) -> None:
    db = await Database.open(f"sqlite+aiosqlite:///{database}")
    try:
        await backup(db.engine, path, now=datetime.now(UTC))
    finally:
        await db.close()
