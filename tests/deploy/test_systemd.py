"""deploy/quizbot.service and the backup timer, read as systemd reads them: the bot restarts
on failure, takes its settings from an environment file, runs as its own user with the
system read-only around it; the timer backs up every night. `systemd-analyze verify` (on this
machine) checks them once they point at an installed quizbot."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = ["quizbot.service", "quizbot-backup.service", "quizbot-backup.timer"]
INSTALLED = "/opt/quizbot/.venv/bin/quizbot"


def unit(name: str) -> configparser.ConfigParser:
    # systemd's syntax: case-sensitive keys, `%%` for a percent sign, no interpolation.
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep keys as written
    parser.read(DEPLOY / name, encoding="utf-8")
    return parser


def test_the_bot_restarts_on_failure_with_its_settings_from_an_environment_file() -> None:
    service = unit("quizbot.service")["Service"]

    assert service["ExecStart"] == f"{INSTALLED} run"
    assert service["Restart"] == "on-failure"
    assert service["EnvironmentFile"] == "/etc/quizbot/quizbot.env"
    assert service["KillSignal"] == "SIGTERM"
    assert unit("quizbot.service")["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.parametrize("name", ["quizbot.service", "quizbot-backup.service"])
def test_it_runs_as_its_own_user_on_a_read_only_system(name: str) -> None:
    service = unit(name)["Service"]

    assert service["User"] == service["Group"] == "quizbot"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ProtectHome"] == "yes"
    assert service["PrivateTmp"] == "yes"
    assert service["CapabilityBoundingSet"] == ""
    # The one place it writes: /var/lib/quizbot, its working directory.
    assert service["StateDirectory"].split()[0] == "quizbot"
    assert service["WorkingDirectory"] == "/var/lib/quizbot"


def test_the_timer_backs_up_every_night_and_catches_up_after_a_shutdown() -> None:
    timer = unit("quizbot-backup.timer")["Timer"]
    backup = unit("quizbot-backup.service")["Service"]

    assert timer["OnCalendar"] == "*-*-* 02:30:00"
    assert timer["Persistent"] == "true"
    assert timer["Unit"] == "quizbot-backup.service"
    assert backup["Type"] == "oneshot"
    assert f"{INSTALLED} backup " in backup["ExecStart"]
    assert "/var/lib/quizbot/backups/quizbot-$(date +%%Y-%%m-%%d-%%H%%M).gz" in backup["ExecStart"]
    assert "-mtime +30 -delete" in backup["ExecStartPost"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_finds_nothing_wrong_in_the_units(tmp_path: Path) -> None:
    quizbot = Path(sys.executable).with_name("quizbot")
    for name in UNITS:
        text = (DEPLOY / name).read_text(encoding="utf-8").replace(INSTALLED, str(quizbot))
        (tmp_path / name).write_text(text, encoding="utf-8")

    checked = subprocess.run(
        ["systemd-analyze", "verify", *(str(tmp_path / n) for n in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert checked.returncode == 0, checked.stderr
    assert checked.stderr == ""
