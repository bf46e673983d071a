"""Picture questions sent over HTTP to the fake Telegram, which checks every call against the
Bot API spec: the first question uploaded as a photo with its caption and buttons; each answer
turns that message into the next question in place (editMessageMedia when the next one has a
picture, sent by the id Telegram gave it once uploaded), except a photo followed by a text,
which confirms the answer in its caption and lets the text come below."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.types import Update

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from tests.fake_telegram import FakeTelegram, Limits
from tests.fake_telegram.conftest import TOKEN, make_bot
from tests.support.client import Person
from tests.support.pictures import (
    attempt_of,
    pictures_in_order,
    use_mixed_bank,
    use_pictured_bank,
)

ANSWERS = ["A", "B", "C", "D"]
Feed = Callable[[dict[str, Any]], Awaitable[None]]


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


@pytest.fixture
async def feed(app: App, http_bot: Bot) -> Feed:
    """Give the bot's Telegram channel an update the fake Telegram made (a registered
    participant An, Telegram account 1001, sends or taps)."""
    await Person.on(app, "telegram", "1001", "An").register()
    channel = TelegramChannel(http_bot, app.engine, app.store, app.svc.texts, flood_limit=1000)

    async def feed(update: dict[str, Any]) -> None:
        await channel.dispatcher.feed_update(http_bot, Update.model_validate(update))

    return feed


async def test_a_round_mixing_pictures_and_text_over_http_is_one_message_per_answer(
    app: App, tg: FakeTelegram, feed: Feed
) -> None:
    await use_mixed_bank(app)
    an = tg.user(1001, "An")
    await feed(an.send_text("/thi"))
    pictures = await pictures_in_order(app, "telegram", "1001")
    question = tg.sent_to(1001)[-1]
    assert question.shown.startswith("Quý 1 — lượt thi của bạn bắt đầu")
    assert "\n\nCâu 1/10 · ⏱ còn 10:00" in question.shown
    assert question.labels == ANSWERS
    assert (question.photo.data if question.photo else None) == pictures[0]
    first_tap = question.buttons[1].callback_data
    assert first_tap is not None

    seen: set[tuple[bool, bool]] = set()
    for n in range(1, 10):
        before = len(tg.sent_to(1001))
        await feed(an.tap_button("B" if n == 1 else "D"))
        letter = "B" if n == 1 else "D"
        new = tg.sent_to(1001)[before:]
        header = f"✓ Câu {n}: đã ghi nhận {letter}\n\nCâu {n + 1}/10 · ⏱"
        seen.add((pictures[n - 1] is not None, pictures[n] is not None))
        if pictures[n] is not None:
            # Text or photo before, the participant now sees the next picture in its place.
            assert new == []
            assert question.photo is not None
            assert question.photo.data == pictures[n]
            assert question.text is None
            assert question.caption is not None
            assert question.caption.startswith(header)
        elif pictures[n - 1] is None:
            assert new == []
            assert question.text is not None
            assert question.text.startswith(header)
        else:
            # A photo cannot become text: it keeps its picture and says the answer is in.
            (following,) = new
            assert question.caption is not None
            assert f"Bạn đã chọn: {letter}." in question.caption
            assert question.labels == []
            assert following.shown.startswith(f"Câu {n + 1}/10 · ⏱")
            question = following
        assert question.labels == ANSWERS
        if n == 1:
            # The first question's button tapped again: already answered, nothing changes.
            shown = question.shown
            tap = an.tap(question.message_id, first_tap)
            await feed(tap)
            assert tg.callback_answers[tap["callback_query"]["id"]].text == (
                "Câu này bạn đã trả lời rồi."
            )
            assert question.shown == shown
            assert list((await attempt_of(app, "telegram", "1001")).answers) == [0]

    # The round drew every kind of step from one question to the next.
    assert seen == {(False, True), (True, True), (False, False), (True, False)}
    media_edits = [r for r in tg.requests if r.method == "editMessageMedia"]
    assert len(media_edits) == sum(1 for p in pictures[1:] if p is not None)
    assert all(r.ok for r in media_edits)
    uploads = [
        r for r in tg.requests if r.method == "sendPhoto" and not isinstance(r.params["photo"], str)
    ]
    uploads += [r for r in media_edits if '"attach://' in r.params["media"]]
    distinct = {p for p in pictures if p is not None}
    assert len(uploads) == len(distinct) == 3  # each picture uploaded once, then sent by its id
    tg.assert_no_violations()


async def test_a_question_gone_before_its_answer_is_edited_comes_back_as_a_new_photo(
    app: App, tg: FakeTelegram, http_bot: Bot, feed: Feed
) -> None:
    await use_pictured_bank(app)
    an = tg.user(1001, "An")
    await feed(an.send_text("/thi"))
    pictures = await pictures_in_order(app, "telegram", "1001")
    question = tg.sent_to(1001)[-1]
    tap = an.tap(question.message_id, question.buttons[0].callback_data or "")

    # The question is deleted from the chat (for both sides) just as the tap is on its way.
    await http_bot.delete_message(1001, question.message_id)
    await feed(tap)

    (refused,) = tg.calls("editMessageMedia")
    assert refused.description == "Bad Request: message to edit not found"
    following = tg.sent_to(1001)[-1]
    assert following.message_id != question.message_id
    assert following.photo is not None
    assert following.photo.data == pictures[1]
    assert following.shown.startswith("✓ Câu 1: đã ghi nhận A\n\nCâu 2/10 · ⏱")
    assert following.labels == ANSWERS
    tg.assert_no_violations()
