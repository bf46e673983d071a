"""In-process Telegram fixtures: the channel on a recording Bot session."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
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
