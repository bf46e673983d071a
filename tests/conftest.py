"""Shared fixtures: a whole bot on SQLite and the in-process store, with a settable clock."""

from __future__ import annotations

import random
import shutil
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import App, open_app
from bot.clock import ManualClock
from bot.config import Settings
from handlers.rounds import reconcile
from tests.support.client import Person

ROOT = Path(__file__).resolve().parents[1]
CONTEST_FILE = ROOT / "contest.yaml"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(*args: int) -> datetime:
    """A local (Vietnam) date-time."""
    return datetime(*args, tzinfo=VN)  # type: ignore[misc]


@pytest.fixture
def clock() -> ManualClock:
    """A clock set to 08:00 on 20/02/2023, five days into round 2023-Q1."""
    return ManualClock(vn(2023, 2, 20, 8, 0))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'quizbot.db'}",
        redis_url=None,
        contest_file=CONTEST_FILE,
        results_dir=tmp_path / "results",
        _env_file=None,
    )


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where a migrated database with the sample bank loaded is kept, built on first use."""
    return tmp_path_factory.mktemp("template") / "quizbot.db"


def _copy_template(template: Path, settings: Settings) -> bool:
    """Start the test's SQLite file as a copy of the template; False until there is one.

    Migrating and loading the bank for every test would make up most of the engine tests'
    run time.
    """
    if not template.exists():
        return False
    shutil.copyfile(template, settings.database_url.removeprefix("sqlite+aiosqlite:///"))
    return True


async def _build_template(template: Path, settings: Settings) -> None:
    built = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{template}"})
    async with open_app(built, clock=ManualClock(vn(2023, 2, 20, 8, 0)), rng=random.Random(7)):
        pass


@pytest.fixture
async def app(settings: Settings, clock: ManualClock, template_db: Path) -> AsyncIterator[App]:
    """The whole bot, with rounds opened or closed as the clock says."""
    if not _copy_template(template_db, settings):
        await _build_template(template_db, settings)
        _copy_template(template_db, settings)
    async with open_app(settings, clock=clock, rng=random.Random(7)) as a:
        await reconcile(a.svc)
        yield a


@pytest.fixture
def person(app: App) -> Person:
    """A Telegram participant who has not registered yet."""
    return Person.on(app, "telegram", "1001", "An")
