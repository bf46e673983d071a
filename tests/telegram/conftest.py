"""Telegram fixtures: the channel on a recording Bot session (in process), and the log of a
real bot process shown with a failing test that used one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from tests.support.process import BotProcess
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession, recording_bot

ADMIN_ID = 9000


@pytest.fixture
def session_and_channel(app: App) -> tuple[RecordingSession, TelegramChannel]:
    bot, session = recording_bot()
    app.svc.admins = frozenset({f"telegram:{ADMIN_ID}"})
    channel = TelegramChannel(bot, app.engine, app.store, app.svc.texts, flood_limit=1000)
    return session, channel


@pytest.fixture
def session(session_and_channel: tuple[RecordingSession, TelegramChannel]) -> RecordingSession:
    return session_and_channel[0]


@pytest.fixture
def channel(session_and_channel: tuple[RecordingSession, TelegramChannel]) -> TelegramChannel:
    return session_and_channel[1]


@pytest.fixture
def tg_user(channel: TelegramChannel, session: RecordingSession) -> TgUser:
    return TgUser(channel, session, 1001, "An")


@pytest.fixture
def tg_admin(channel: TelegramChannel, session: RecordingSession) -> TgUser:
    return TgUser(channel, session, ADMIN_ID, "Ban Tổ chức")


@pytest.fixture(autouse=True)
def bot_log(request: pytest.FixtureRequest) -> Iterator[None]:
    """Print what the module's bot logged during a test using it (shown when the test fails)."""
    if "bot" not in request.fixturenames:
        yield
        return
    bot: BotProcess = request.getfixturevalue("bot")
    offset = bot.log_size()
    yield
    print(f"--- quizbot run log during this test ---\n{bot.log_since(offset)}")
