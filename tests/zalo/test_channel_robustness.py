"""The Zalo channel under trouble: forged webhooks, API errors, blocked users, floods."""

from __future__ import annotations

import asyncio

import pytest

from bot.app import App
from bot.channels.base import RecipientBlockedError, RetryLaterError
from bot.channels.zalo.channel import ZaloChannel
from bot.channels.zalo.client import ZaloClient
from handlers.events import Message
from tests.fake_zalo import MAX_TEXT, FakeZalo
from tests.zalo.conftest import SECRET
from tests.zalo.participant import ZaloParticipant


async def test_the_webhook_refuses_a_missing_or_wrong_secret_and_handles_nothing(
    zl: FakeZalo, webhook: str, an: ZaloParticipant
) -> None:
    forged = {"ok": True, "result": an.user.update("message.text.received", text="/start")}
    for secret in (None, "wrong-secret", SECRET + "x", ""):
        answer = await zl.post_to_webhook(forged, secret=secret)
        assert answer.status == 401, secret
    await asyncio.sleep(0.1)
    assert zl.texts(an.id) == []
    # The real delivery, with the secret, is handled.
    await an.say("start", "Xin chào")
    assert [d.status for d in zl.webhook_responses] == [200]


async def test_a_webhook_body_without_the_wrapper_is_handled_too(
    zl: FakeZalo, webhook: str, an: ZaloParticipant
) -> None:
    bare = an.user.update("message.text.received", text="lich thi")
    answer = await zl.post_to_webhook(bare, secret=SECRET)
    assert answer.status == 200
    await zl.wait_for_text(an.id, "Lịch thi")


async def test_polling_survives_api_errors_and_goes_on(
    app: App, zl: FakeZalo, zalo_client: ZaloClient, an: ZaloParticipant
) -> None:
    channel = ZaloChannel(
        zalo_client, app.engine, app.store, app.svc.texts, poll_seconds=1, backoff=(0.05, 0.1)
    )
    for _ in range(3):
        zl.fail_next("getUpdates", 502)
    zl.fail_next("getUpdates", 401, "Unauthorized")
    await channel.start_polling()
    try:
        await an.say("start", "Xin chào")
    finally:
        assert await channel.stop()
    assert [c.status for c in zl.calls("getUpdates")][:4] == [502, 502, 502, 401]


async def test_a_reply_zalo_refuses_is_logged_and_followed_by_nothing_in_that_chat(
    app: App, zl: FakeZalo, an: ZaloParticipant, caplog: pytest.LogCaptureFixture
) -> None:
    async def no_wait(seconds: float) -> None:
        return None

    async with ZaloClient(zl.token, base_url=zl.base_url, sleep=no_wait) as client:
        channel = ZaloChannel(client, app.engine, app.store, app.svc.texts, poll_seconds=1)
        for _ in range(client.attempts):
            zl.fail_next("sendMessage", 429)
        await channel.start_polling()
        try:
            an.user.send_text("start")
            await zl.wait_for(lambda: len(zl.calls("sendMessage")) == client.attempts)
            await an.say("lich thi", "Lịch thi")  # handled after: the user's turn is FIFO
        finally:
            assert await channel.stop()
    # The welcome was refused four times; no apology was tried after it.
    assert [c.error_code for c in zl.calls("sendMessage")] == [429] * client.attempts + [None]
    assert "a reply was not delivered" in caplog.text
    assert "Traceback" not in caplog.text


async def test_a_failure_in_the_channel_itself_is_answered_with_an_apology(
    zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(user_key: str) -> list[tuple[str, str]]:
        raise ConnectionError("session store unreachable")

    monkeypatch.setattr(polling.store, "buttons", broken)
    seq = zl.last_seq()
    an.user.send_text("start")
    await zl.wait_for_text(an.id, "hệ thống vừa gặp sự cố", after=seq)


async def test_a_blocked_user_is_reported_to_whoever_sends_outside_an_update(
    zl: FakeZalo, channel: ZaloChannel, an: ZaloParticipant
) -> None:
    zl.block(an.id)
    with pytest.raises(RecipientBlockedError):
        await channel.send_to(an.id, [Message("📣 Thông báo")])


async def test_a_long_announcement_goes_out_in_pieces_within_the_limit(
    zl: FakeZalo, channel: ZaloChannel, an: ZaloParticipant
) -> None:
    paragraph = "Thông báo của Ban Tổ chức về lịch thi đợt hai. " * 20  # 940 characters
    await channel.send_to(an.id, [Message("\n".join([paragraph] * 5))])
    texts = zl.texts(an.id)
    assert len(texts) == 3
    assert all(len(t) <= MAX_TEXT for t in texts)
    zl.assert_no_violations()


async def test_an_announcement_mid_question_leaves_the_answer_letters_working(
    zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    await an.register()
    await an.say("thi", "Câu 1/10")
    await polling.send_to(an.id, [Message("📣 Thông báo: đợt hai mở ngày 1/6")])
    await an.say("diem", "Kết quả")  # a command mid-question does not unmap the letters
    await an.say("C", "Câu 2/10")


async def test_someone_writing_too_fast_is_told_once_and_ignored(
    app: App, zl: FakeZalo, zalo_client: ZaloClient, an: ZaloParticipant
) -> None:
    channel = ZaloChannel(
        zalo_client, app.engine, app.store, app.svc.texts, flood_limit=3, poll_seconds=1
    )
    await channel.start_polling()
    try:
        for _ in range(6):
            an.user.send_text("lich thi")
        await zl.wait_for(lambda: not zl.pending_updates)
        await zl.wait_for_text(an.id, "thao tác nhanh quá")
        await asyncio.sleep(0.2)
    finally:
        assert await channel.stop()
    texts = zl.texts(an.id)
    assert sum("Lịch thi" in t for t in texts) == 3
    assert sum("thao tác nhanh quá" in t for t in texts) == 1


async def test_zalo_still_refusing_after_the_retries_asks_the_sender_to_retry_later(
    app: App, zl: FakeZalo, an: ZaloParticipant
) -> None:
    async def no_wait(seconds: float) -> None:
        return None

    async with ZaloClient(zl.token, base_url=zl.base_url, sleep=no_wait) as client:
        channel = ZaloChannel(client, app.engine, app.store, app.svc.texts)
        for _ in range(client.attempts):
            zl.fail_next("sendMessage", 429)
        with pytest.raises(RetryLaterError) as caught:
            await channel.send_to(an.id, [Message("📣 Thông báo")])
    assert caught.value.seconds > 0
    assert zl.texts(an.id) == []
