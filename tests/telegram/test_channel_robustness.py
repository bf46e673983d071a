"""The channel under trouble: redelivered updates, failing handlers, odd messages, API errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import AnswerCallbackQuery, SendMessage, SetMyCommands
from aiogram.types import Chat, Message, Update, User

from bot.app import App
from bot.channels.base import MaybeSentError
from bot.channels.telegram.calls import SendText
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.convert import split_text
from bot.channels.telegram.session import RetryMiddleware
from bot.pacer import broadcasting, paid_broadcasting
from handlers.events import Message as Said
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession, recording_bot


async def test_an_update_delivered_twice_is_handled_once(
    tg_user: TgUser, session: RecordingSession
) -> None:
    await tg_user.send("/start")
    assert tg_user.last_update is not None
    sent = len(session.of(SendMessage))
    await tg_user.feed(tg_user.last_update)
    assert len(session.of(SendMessage)) == sent


async def test_a_handler_failure_gets_an_apology_and_the_bot_goes_on(
    tg_user: TgUser, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken(*_args: object) -> list[object]:
        raise RuntimeError("database on fire")

    monkeypatch.setattr("handlers.info.schedule", broken)
    await tg_user.send("/lichthi")
    assert "Xin lỗi" in tg_user.last_text()
    monkeypatch.undo()
    await tg_user.send("/lichthi")
    assert "Lịch thi" in tg_user.last_text()


async def test_a_sticker_gets_a_polite_message(tg_user: TgUser) -> None:
    await tg_user.send_sticker()
    assert "chỉ nhận tin nhắn chữ" in tg_user.last_text()


async def test_messages_in_groups_are_ignored(
    channel: TelegramChannel, session: RecordingSession
) -> None:
    group = Message(
        message_id=1,
        date=datetime.now(UTC),
        chat=Chat(id=-100, type="group"),
        from_user=User(id=5, is_bot=False, first_name="X"),
        text="/start",
    )
    await channel.dispatcher.feed_update(channel.bot, Update(update_id=777001, message=group))
    assert session.of(SendMessage) == []


async def test_the_command_menu_is_set_in_vietnamese(
    channel: TelegramChannel, session: RecordingSession
) -> None:
    await channel.set_commands()
    (call,) = session.of(SetMyCommands)
    menu = {c.command: c.description for c in call.commands}
    assert menu["thi"] == "Vào thi"
    assert menu["diem"] == "Xem kết quả của tôi"
    assert set(menu) >= {"start", "dangky", "thi", "diem", "lichthi", "thele", "huongdan"}


async def test_a_forged_button_is_answered_and_changes_nothing(
    tg_user: TgUser, session: RecordingSession, app: App
) -> None:
    await tg_user.tap_data(1, "a:zzzzzzzzzz:0:1")
    await tg_user.tap_data(1, "x" * 300)
    answers = session.of(AnswerCallbackQuery)
    assert len(answers) == 2
    assert all(a.text for a in answers)
    assert await app.svc.participants.count() == 0


async def test_flooding_gets_one_slow_down_message_then_silence(app: App) -> None:
    bot, session = recording_bot()
    channel = TelegramChannel(
        bot, app.engine, app.store, app.svc.texts, flood_limit=3, flood_window=60
    )
    user = TgUser(channel, session, 2002)
    for _ in range(6):
        await user.send("/lichthi")
    texts = [m.text for m in user.bot_messages()]
    assert sum("Lịch thi" in t for t in texts) == 3
    assert sum("nhanh quá" in t for t in texts) == 1
    assert len(texts) == 4


def test_long_texts_are_split_at_line_boundaries_under_the_limit() -> None:
    text = "\n".join(f"dòng {i} " + "x" * 90 for i in range(200))
    pieces = split_text(text, 4096)
    assert all(len(p) <= 4096 for p in pieces)
    assert "\n".join(pieces) == text


class _Flaky:
    def __init__(self, failures: list[Exception]) -> None:
        self.failures = failures
        self.calls = 0

    async def __call__(self, bot: object, method: object) -> str:
        self.calls += 1
        if self.failures:
            raise self.failures.pop(0)
        return "ok"


async def test_429_waits_retry_after_and_network_errors_back_off() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    method = SendMessage(chat_id=1, text="x")
    flaky = _Flaky(
        [
            TelegramRetryAfter(method=method, message="Too Many Requests", retry_after=3),
            TelegramNetworkError(method=method, message="reset"),
            TelegramServerError(method=method, message="502"),
        ]
    )
    result = await RetryMiddleware(attempts=4, base_delay=0.5, sleep=sleep)(
        flaky,
        None,
        method,  # type: ignore[arg-type]
    )
    assert result == "ok"
    assert flaky.calls == 4
    assert waits == [3, 1.0, 2.0]


async def test_retries_stop_after_the_last_attempt() -> None:
    async def sleep(_seconds: float) -> None:
        return None

    method = SendMessage(chat_id=1, text="x")
    flaky = _Flaky([TelegramNetworkError(method=method, message="down") for _ in range(5)])
    with pytest.raises(TelegramNetworkError):
        await RetryMiddleware(attempts=3, sleep=sleep)(flaky, None, method)  # type: ignore[arg-type]
    assert flaky.calls == 3


async def test_a_paid_message_whose_answer_was_lost_is_not_sent_again() -> None:
    """It may have gone out and been charged: sent again, it would be charged twice."""

    async def sleep(_seconds: float) -> None:
        return None

    method = SendText(chat_id=1, text="x", allow_paid_broadcast=True)
    flaky = _Flaky([TelegramNetworkError(method=method, message="timed out")])
    with pytest.raises(TelegramNetworkError):
        await RetryMiddleware(attempts=4, sleep=sleep)(flaky, None, method)  # type: ignore[arg-type]
    assert flaky.calls == 1


async def test_a_paid_message_without_an_answer_is_reported_as_perhaps_sent(
    channel: TelegramChannel, session: RecordingSession
) -> None:
    method = SendMessage(chat_id=1001, text="x")
    session.failures = [TelegramNetworkError(method=method, message="Request timeout error")]
    with paid_broadcasting(), pytest.raises(MaybeSentError):
        await channel.send_to("1001", [Said("Thông báo")])
    session.failures = [TelegramNetworkError(method=method, message="Request timeout error")]
    with broadcasting(), pytest.raises(TelegramNetworkError):  # free: nothing was charged
        await channel.send_to("1001", [Said("Thông báo")])


async def test_a_document_past_telegrams_limit_is_replaced_by_a_message_saying_so(
    channel: TelegramChannel, session: RecordingSession
) -> None:
    from aiogram.methods import SendDocument

    from handlers.events import Document

    channel.max_document_bytes = 1024 * 1024
    small = Document("ket-qua-Q1.xlsx", b"x" * 1024 * 1024, caption="Kết quả")
    large = Document("ket-qua-Q2-noi-bo.xlsx", b"x" * (3 * 1024 * 1024))
    await channel.deliver(9001, [small, large])

    sent = session.of(SendDocument)
    assert [d.document.filename for d in sent] == ["ket-qua-Q1.xlsx"]
    told = session.of(SendMessage)[-1]
    assert told.chat_id == 9001
    assert "ket-qua-Q2-noi-bo.xlsx" in told.text
    assert "nặng 3 MB, vượt giới hạn 1 MB" in told.text
    assert "quizbot results" in told.text


async def test_a_document_past_the_limit_that_the_server_keeps_is_named_by_its_place(
    channel: TelegramChannel, session: RecordingSession
) -> None:
    from aiogram.methods import SendDocument

    from handlers.events import Document

    channel.max_document_bytes = 1024 * 1024
    kept = "/srv/quizbot/data/results/ket-qua-Q2-noi-bo.xlsx"
    large = Document("ket-qua-Q2-noi-bo.xlsx", b"x" * (3 * 1024 * 1024), kept_at=kept)
    await channel.deliver(9001, [large])

    assert session.of(SendDocument) == []
    told = session.of(SendMessage)[-1]
    assert "nặng 3 MB, vượt giới hạn 1 MB" in told.text
    assert f"lưu trên máy chủ tại: {kept}" in told.text
