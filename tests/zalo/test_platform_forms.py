"""The Zalo Bot API as it answers and delivers, beyond its samples: an empty long poll is HTTP
200 with error 408, webhook bodies come wrapped in `result` or flat, an unsupported event may
have no `message` at all, and images carry `photo_url`. The bot takes each in its stride."""

from __future__ import annotations

import logging

import pytest

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from tests.fake_zalo import FLAT, WRAPPED, FakeZalo
from tests.zalo.participant import ZaloParticipant, correct_letter


async def test_empty_long_polls_answered_200_with_error_408_are_no_failure(
    zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)

    def empty_polls() -> int:
        return sum(c.status == 200 and c.error_code == 408 for c in zl.calls("getUpdates"))

    await zl.wait_for(lambda: empty_polls() >= 2)
    await an.say("lịch thi", "Lịch thi")  # the next poll hands the message out at once
    assert "getUpdates failed" not in caplog.text  # no back-off for "nothing new"


@pytest.mark.parametrize("form", [WRAPPED, FLAT])
async def test_a_whole_exchange_over_the_webhook_in_either_form_of_body(
    app: App, form: str, webhook: str, an: ZaloParticipant
) -> None:
    zl = an.zl
    zl.webhook_forms = (form,)
    await an.register()
    await an.say("thi", "Câu 1/10")
    await an.say(await correct_letter(app, an.id), "Câu 2/10")
    assert {d.status for d in zl.webhook_responses} == {200}
    assert len(zl.webhook_responses) == 10
    zl.assert_no_violations()


@pytest.fixture
async def question_showing(app: App, zl: FakeZalo, an: ZaloParticipant) -> ZaloParticipant:
    await an.register()
    await an.say("thi", "Câu 1/10")
    return an


async def test_an_unsupported_event_with_no_message_is_ignored_by_polling(
    zl: FakeZalo, polling: ZaloChannel, question_showing: ZaloParticipant
) -> None:
    an = question_showing
    seq = zl.last_seq()
    zl.push_unsupported_without_message()
    await an.say("C", "Câu 2/10")  # handed out after it; nothing was said to anyone for it
    assert len(an.said_since(seq)) == 1
    assert len(zl.messages) == len(zl.sent_to(an.id))


async def test_an_unsupported_event_with_no_message_is_ignored_by_the_webhook(
    zl: FakeZalo, webhook: str, question_showing: ZaloParticipant
) -> None:
    an = question_showing
    seq = zl.last_seq()
    for form in (WRAPPED, FLAT):
        zl.webhook_forms = (form,)
        zl.push_unsupported_without_message()
        [delivery] = await zl.deliver()
        assert delivery.status == 200
    await an.say("C", "Câu 2/10")
    assert len(an.said_since(seq)) == 1


async def test_an_image_with_its_photo_url_and_caption_gets_the_polite_answer_only(
    app: App, zl: FakeZalo, polling: ZaloChannel, question_showing: ZaloParticipant
) -> None:
    an = question_showing
    seq = zl.last_seq()
    image = an.user.send_image(caption="B")
    assert image["message"]["photo_url"].startswith("https://")
    polite = await zl.wait_for_text(an.id, "Cuộc thi chỉ nhận tin nhắn chữ.", after=seq)
    assert polite.shown == "Cuộc thi chỉ nhận tin nhắn chữ. Bạn gõ /huongdan để xem cách tham gia."
    await an.say("B", "Câu 2/10")  # the caption answered nothing; the letter does
