"""Answer buttons name the participant, so a tap is let in and recorded in one store step; a
button naming someone else, or an account the store no longer has cached, still counts right."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram.types import InlineKeyboardMarkup

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from handlers.answer_tokens import parse_answer_token
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession
from tests.telegram.test_quiz_in_telegram import register


def _buttons(user: TgUser) -> list[str]:
    question = user.bot_messages()[-1]
    assert isinstance(question, SendMessage)
    assert isinstance(question.reply_markup, InlineKeyboardMarkup)
    return [b.callback_data or "" for b in question.reply_markup.inline_keyboard[0]]


async def test_answer_buttons_name_the_participant_of_the_attempt(
    tg_user: TgUser, app: App
) -> None:
    await register(tg_user)
    await tg_user.send("/thi")

    pid = await app.store.cached_participant("telegram:1001")
    taps = [parse_answer_token(data) for data in _buttons(tg_user)]
    assert pid is not None
    assert all(tap is not None and tap.participant_id == pid for tap in taps)


async def test_a_button_naming_another_participant_changes_nothing_for_either(
    app: App, channel: TelegramChannel, session: RecordingSession
) -> None:
    an = TgUser(channel, session, 1001, "An")
    binh = TgUser(channel, session, 1002, "Bình")
    await register(an)
    await an.send("/thi")
    await binh.send("/start")
    await binh.tap("📝 Đăng ký")
    await binh.send("Trần Văn Bình")
    await binh.share_contact("+84987654321")
    await binh.send("1991")
    await binh.tap("Hoa Lư")
    await binh.tap("Người dân")
    await binh.tap("✅ Đồng ý")
    await binh.tap("✅ Xác nhận")
    await binh.send("/thi")
    an_pid = await app.store.cached_participant("telegram:1001")
    binh_pid = await app.store.cached_participant("telegram:1002")
    assert an_pid is not None
    assert binh_pid is not None
    before = (await app.store.attempt(an_pid), await app.store.attempt(binh_pid))

    # Bình sends An's own button, as a modified client could.
    await binh.tap_data(1, _buttons(an)[0])

    answer = session.of(AnswerCallbackQuery)[-1]
    assert answer.text == "Nút này không còn hiệu lực."  # not "ended": Bình's attempt goes on
    assert (await app.store.attempt(an_pid), await app.store.attempt(binh_pid)) == before


async def test_a_tap_after_the_account_cache_expired_is_recorded_once(
    tg_user: TgUser, app: App, session: RecordingSession
) -> None:
    await register(tg_user)
    await tg_user.send("/thi")
    pid = await app.store.cached_participant("telegram:1001")
    assert pid is not None
    await app.store.redis.delete(app.store.keys.account("telegram:1001"))
    answered = len(session.of(AnswerCallbackQuery))

    await tg_user.tap("C")
    assert tg_user.last_update is not None
    await tg_user.feed(tg_user.last_update)  # and Telegram delivers it again

    live = await app.store.attempt(pid)
    assert live is not None
    assert live.next_index == 1
    assert session.of(AnswerCallbackQuery)[-1].text == "Đã ghi nhận"
    assert len(session.of(AnswerCallbackQuery)) == answered + 1
    assert await app.store.cached_participant("telegram:1001") == pid


async def test_a_button_of_the_shape_before_they_named_the_participant_still_counts(
    tg_user: TgUser, app: App, session: RecordingSession
) -> None:
    await register(tg_user)
    await tg_user.send("/thi")
    question = tg_user.bot_messages()[-1]
    tap = parse_answer_token(_buttons(tg_user)[2])
    assert tap is not None
    assert tap.participant_id is not None

    # A question shown before an upgrade carries a:<attempt>:<question>:<option>.
    await tg_user.tap_data(session.message_id_of(question), f"a:{tap.code}:0:2")

    live = await app.store.attempt(tap.participant_id)
    assert live is not None
    assert live.answers.keys() == {0}
    assert live.answers[0][0] == 2
    assert session.of(AnswerCallbackQuery)[-1].text == "Đã ghi nhận"
