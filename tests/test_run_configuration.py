"""`quizbot run` refuses a channel set up only half-way, with a message for the operator."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import CONTEST_FILE


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "no channel configured"),
        (
            {"TELEGRAM_BOT_TOKEN": "1:x", "TELEGRAM_MODE": "webhook"},
            "TELEGRAM_MODE=webhook needs TELEGRAM_WEBHOOK_URL and TELEGRAM_WEBHOOK_SECRET",
        ),
        (
            {"ZALO_BOT_TOKEN": "z", "ZALO_MODE": "webhook", "ZALO_WEBHOOK_URL": "https://x"},
            "ZALO_MODE=webhook needs ZALO_WEBHOOK_URL and ZALO_WEBHOOK_SECRET",
        ),
    ],
)
def test_a_half_configured_channel_stops_the_start_with_a_clear_message(
    tmp_path: Path, env: dict[str, str], message: str
) -> None:
    base = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "CONTEST_FILE": str(CONTEST_FILE),
        "TELEGRAM_BOT_TOKEN": "",
        "ZALO_BOT_TOKEN": "",
        "REDIS_URL": "",
    }
    result = CliRunner().invoke(app, ["run"], env={**base, **env})
    assert result.exit_code == 2
    assert "Cấu hình chưa đúng" in result.output
    assert message in " ".join(result.output.split())
    assert "Traceback" not in result.output
