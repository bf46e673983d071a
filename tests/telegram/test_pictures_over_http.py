"""Picture questions sent over HTTP to the fake Telegram, which checks every call against the
Bot API spec: the photo uploaded with its caption and buttons, the caption edited by the
answer, the next picture sent by the id Telegram gave the first time it had it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import Update

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from tests.fake_telegram import FakeTelegram, Limits
from tests.fake_telegram.conftest import TOKEN, make_bot
from tests.support.client import Person
from tests.support.pictures import use_pictured_bank


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    # The calls' shapes are checked here, with a bare bot (no pacer) answering ten questions
    # in a row; the flood limits and the pacer have their own tests (tests/pacing).
    async with FakeTelegram(TOKEN, limits=Limits.off()) as server:
        yield server


@pytest.fixture
async def http_bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    async with make_bot(tg) as bot:
        yield bot


async def test_a_picture_question_over_http_keeps_to_the_bot_api(
    app: App, tg: FakeTelegram, http_bot: Bot
) -> None:
    await use_pictured_bank(app)
    await Person.on(app, "telegram", "1001", "An").register()
    channel = TelegramChannel(http_bot, app.engine, app.store, app.svc.texts, flood_limit=1000)
    an = tg.user(1001, "An")

    async def feed(update: dict[str, Any]) -> None:
        await channel.dispatcher.feed_update(http_bot, Update.model_validate(update))

    await feed(an.send_text("/thi"))
    question = tg.sent_to(1001)[-1]
    assert question.method == "sendPhoto"
    assert question.caption is not None
    assert question.caption.startswith("Quý 1 — lượt thi của bạn bắt đầu")
    assert "\n\nCâu 1/10 · ⏱ còn 10:00" in question.caption
    assert question.labels == ["A", "B", "C", "D"]

    await feed(an.tap_button("C"))
    assert question.caption.startswith("Câu 1/10\n")
    assert "Bạn đã chọn: C." in question.caption
    assert question.labels == []
    assert len(question.edits) == 1

    for _ in range(9):
        await feed(an.tap_button("A"))
    photos = [r for r in tg.requests if r.method == "sendPhoto"]
    assert len(photos) == 10
    uploads = [r for r in photos if not isinstance(r.params.get("photo"), str)]
    assert len(uploads) == 3  # three pictures: each uploaded once, then sent by its id
    assert "Câu hỏi dự đoán" in tg.sent_to(1001)[-1].shown
    tg.assert_no_violations()
