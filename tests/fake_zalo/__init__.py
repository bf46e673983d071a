"""A local fake Zalo Bot Platform API server for tests, with simulated users.

async with FakeZalo() as zl:
    an = zl.user("a1b2c3", "Nguyễn Văn An")
    an.send_text("/start")                      # queued for getUpdates (or the webhook)
    await zl.wait_for_text("a1b2c3", "Xin chào") # the bot's reply, as the user reads it
    zl.assert_no_violations()
"""

from tests.fake_zalo.models import ApiCall, SentMessage, WebhookDelivery
from tests.fake_zalo.server import MAX_TEXT, FakeZalo
from tests.fake_zalo.updates import FLAT, SECRET_HEADER, WRAPPED
from tests.fake_zalo.users import (
    EVENT_IMAGE,
    EVENT_STICKER,
    EVENT_TEXT,
    EVENT_UNSUPPORTED,
    FakeZaloUser,
)
from tests.support.fake_api import ApiError

__all__ = [
    "EVENT_IMAGE",
    "EVENT_STICKER",
    "EVENT_TEXT",
    "EVENT_UNSUPPORTED",
    "FLAT",
    "MAX_TEXT",
    "SECRET_HEADER",
    "WRAPPED",
    "ApiCall",
    "ApiError",
    "FakeZalo",
    "FakeZaloUser",
    "SentMessage",
    "WebhookDelivery",
]
