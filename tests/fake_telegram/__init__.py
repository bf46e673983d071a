"""A local fake Telegram Bot API server for tests: checks every call against the published spec.

    async with FakeTelegram(token="123:ABC") as tg:
        bot = Bot("123:ABC", session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
        an = tg.user(1001, "An")
        an.send_text("/start")                      # queued for getUpdates (or the webhook)
        await tg.wait_for_text(1001, "Chào")        # the bot's reply, as the user sees it
        an.tap_button("Đăng ký")                     # a callback_query for that inline button
        tg.assert_no_violations()

The spec is the shared telegram-bot-api/api.json, which must sit beside the repository.
"""

from tests.fake_telegram.formatting import ParsedText, parse_html
from tests.fake_telegram.limits import Limits
from tests.fake_telegram.models import (
    ApiRequest,
    Button,
    CallbackAnswer,
    StoredFile,
    StoredMessage,
    UploadedFile,
    WebhookDelivery,
)
from tests.fake_telegram.server import FakeTelegram
from tests.fake_telegram.spec import BotApiSpec, SpecNotFoundError
from tests.fake_telegram.users import FakeUser
from tests.support.fake_api import ApiError

__all__ = [
    "ApiError",
    "ApiRequest",
    "BotApiSpec",
    "Button",
    "CallbackAnswer",
    "FakeTelegram",
    "FakeUser",
    "Limits",
    "ParsedText",
    "SpecNotFoundError",
    "StoredFile",
    "StoredMessage",
    "UploadedFile",
    "WebhookDelivery",
    "parse_html",
]
