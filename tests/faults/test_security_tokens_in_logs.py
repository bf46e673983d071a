"""No bot token in the log, in this process: the redacting formatter, and a failed download.

An organiser's upload goes through the real Telegram channel and a real aiogram Bot talking to
the fake Telegram server; its file server fails once. What the channel logs is read twice: as
pytest records it (the raw message, so it was logged without the address) and as the
project's own handler writes it (`bot.logs`, the final text with the traceback).
"""

from __future__ import annotations

import io
import logging
import sys
from collections.abc import AsyncIterator, Iterator

import pytest
from aiogram.types import Update
from aiohttp import ClientResponseError, RequestInfo
from multidict import CIMultiDict, CIMultiDictProxy
from yarl import URL

from bot import logs
from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.conftest import make_bot
from tests.telegram.scripted import said
from tests.telegram.test_admin_in_chat import bank_bytes

# Shaped like the real ones: Telegram "<bot id>:<35 characters>", Zalo "<bot id>:<secret>".
TELEGRAM_TOKEN = "7123456789:AAFq3bZ8xK2mN4pQ6rS8tU0vW2yZ4aB6cD8"
TELEGRAM_SECRET = TELEGRAM_TOKEN.partition(":")[2]
ZALO_TOKEN = "3141592653589793238:kR7vQ2pXw9LmZt4Y"
ORGANISER = 9000


def file_url(token: str = TELEGRAM_TOKEN) -> str:
    return f"https://api.telegram.org/file/bot{token}/documents/file_7.xlsx"


def formatted(record_message: str, *args: object, secrets: tuple[str, ...] = ()) -> str:
    formatter = logs.RedactingFormatter(secrets=secrets)
    record = logging.LogRecord("t", logging.ERROR, __file__, 1, record_message, args, None)
    return formatter.format(record)


@pytest.mark.parametrize(
    "line",
    [
        f"update failed: 500, message='Internal Server Error', url='{file_url()}'",
        f"GET https://api.telegram.org/bot{TELEGRAM_TOKEN}/getUpdates?offset=3",
        f"redirected to https://tg.example/bot{TELEGRAM_TOKEN.replace(':', '%3A')}/getMe",
        f"token {TELEGRAM_TOKEN} refused",
        f"POST https://bot-api.zaloplatforms.com/bot{ZALO_TOKEN}/sendMessage",
        f"the Zalo token is {ZALO_TOKEN}",
    ],
)
def test_a_token_in_a_log_line_is_hidden_whatever_its_form(line: str) -> None:
    shown = formatted("%s", line)

    assert TELEGRAM_SECRET not in shown
    assert ZALO_TOKEN.partition(":")[2] not in shown
    assert "***" in shown


def test_a_token_in_a_traceback_is_hidden() -> None:
    info = RequestInfo(URL(file_url()), "GET", CIMultiDictProxy(CIMultiDict()), URL(file_url()))
    try:
        raise ClientResponseError(info, (), status=500, message="Internal Server Error")
    except ClientResponseError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed", None, None)
        record.exc_info = sys.exc_info()
    shown = logs.RedactingFormatter().format(record)

    assert "Traceback" in shown
    assert "ClientResponseError" in shown
    assert "/file/bot***/documents/file_7.xlsx" in shown
    assert TELEGRAM_SECRET not in shown
    # The traceback text the record keeps for other handlers is hidden as well.
    assert record.exc_text is not None
    assert TELEGRAM_SECRET not in record.exc_text


def test_a_configured_secret_of_any_shape_is_hidden() -> None:
    shown = formatted(
        "webhook secret %s, redis password %s",
        "s3cr3t-Webhook_value",
        "p4ss-w0rd!",
        secrets=(
            "s3cr3t-Webhook_value",
            "p4ss-w0rd!",
        ),
    )

    assert "s3cr3t-Webhook_value" not in shown
    assert "p4ss-w0rd!" not in shown


@pytest.mark.parametrize(
    "line",
    [
        "Run polling for bot @fake_quiz_bot id=7123456789 - 'Quiz Bot'",
        "telegram update 812345678 delivered again: ignored",
        "a telegram:1001 user blocked the bot; owed replies dropped",
        "webhook listening on 127.0.0.1:8080/telegram/webhook",
        "loaded question bank chuyen-doi-so-2023 (100 questions) at 19:04:40",
    ],
)
def test_ordinary_log_lines_are_left_as_they_are(line: str) -> None:
    assert formatted("%s", line).endswith(line)


@pytest.fixture
def bot_log() -> Iterator[io.StringIO]:
    """What the project's own log handler writes while the test runs."""
    stream = io.StringIO()
    handler = logs.handler(stream, secrets=(TELEGRAM_TOKEN,))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield stream
    finally:
        root.removeHandler(handler)


@pytest.fixture
async def channel(app: App) -> AsyncIterator[tuple[FakeTelegram, TelegramChannel]]:
    """The Telegram channel of `app` on a real Bot talking to the fake server; 9000 organises."""
    app.svc.admins = frozenset({f"telegram:{ORGANISER}"})
    async with FakeTelegram(TELEGRAM_TOKEN) as tg, make_bot(tg, TELEGRAM_TOKEN) as bot:
        yield tg, TelegramChannel(bot, app.engine, app.store, app.svc.texts, flood_limit=1000)


async def test_a_failed_download_is_logged_without_its_address_and_asks_for_the_file_again(
    channel: tuple[FakeTelegram, TelegramChannel],
    caplog: pytest.LogCaptureFixture,
    bot_log: io.StringIO,
) -> None:
    caplog.set_level(logging.DEBUG)
    tg, tg_channel = channel
    organiser = tg.user(ORGANISER, "BTC")
    tg.fail_next_download(500)

    update = organiser.send_document("ngan-hang.csv", bank_bytes(12))
    await tg_channel.dispatcher.feed_update(tg_channel.bot, Update.model_validate(update))

    assert tg.sent_to(ORGANISER)[-1].shown == said(
        "admin.bank_download_failed", file="ngan-hang.csv"
    )
    raw = "\n".join(r.getMessage() for r in caplog.records)
    assert "could not download an uploaded file: HTTP 500" in raw
    assert "/file/bot" not in raw
    assert TELEGRAM_SECRET not in caplog.text
    assert TELEGRAM_SECRET not in bot_log.getvalue()
    assert "could not download an uploaded file: HTTP 500" in bot_log.getvalue()

    # Sent again, the file is fetched and checked as usual.
    again = organiser.send_document("ngan-hang.csv", bank_bytes(12))
    await tg_channel.dispatcher.feed_update(tg_channel.bot, Update.model_validate(again))
    assert "hợp lệ: 12 câu hỏi" in tg.sent_to(ORGANISER)[-1].shown
    tg.assert_no_violations()
