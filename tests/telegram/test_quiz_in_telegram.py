"""A participant in Telegram: registration with the contact button, answers by inline buttons."""

from __future__ import annotations

from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.app import App
from tests.telegram.client import TgUser
from tests.telegram.recording import RecordingSession


async def register(user: TgUser, unit: str = "Sở Thông tin và Truyền thông") -> None:
    await user.send("/start")
    await user.tap("📝 Đăng ký")
    await user.send("Nguyễn Văn An")
    await user.share_contact("+84912345678")
    await user.send("1990")
    await user.tap("Hoa Lư")
    await user.send(unit)
    await user.tap("✅ Đồng ý")
    await user.tap("✅ Xác nhận")
    assert "Đăng ký thành công" in user.last_text()


async def test_contact_keyboard_is_offered_at_the_phone_step_and_removed_after(
    tg_user: TgUser, session: RecordingSession
) -> None:
    await tg_user.send("/dangky")
    await tg_user.send("Nguyễn Văn An")
    ask_phone = tg_user.bot_messages()[-1]
    assert isinstance(ask_phone.reply_markup, ReplyKeyboardMarkup)
    button = ask_phone.reply_markup.keyboard[0][0]
    assert button.request_contact is True
    assert button.text == "📱 Chia sẻ số điện thoại"

    await tg_user.share_contact("+84912345678")
    ask_birth = tg_user.bot_messages()[-1]
    assert "Năm sinh" in ask_birth.text
    assert isinstance(ask_birth.reply_markup, ReplyKeyboardRemove)


async def test_a_contact_that_is_not_the_senders_own_is_refused(tg_user: TgUser, app: App) -> None:
    await tg_user.send("/dangky")
    await tg_user.send("Nguyễn Văn An")
    await tg_user.share_contact("+84987654321", own=False)
    assert "chính mình" in tg_user.last_text()
    conv = await app.store.conversation("telegram:1001")
    assert "phone" not in conv


async def test_a_tap_is_answered_at_once_and_the_question_becomes_the_next_one_in_place(
    tg_user: TgUser, session: RecordingSession
) -> None:
    await register(tg_user)
    await tg_user.send("/thi")
    question = tg_user.bot_messages()[-1]
    assert isinstance(question, SendMessage)
    assert "Câu 1/10" in question.text
    assert "còn 10:00" in question.text
    assert isinstance(question.reply_markup, InlineKeyboardMarkup)
    labels = [b.text for b in question.reply_markup.inline_keyboard[0]]
    assert labels == ["A", "B", "C", "D"]
    for b in question.reply_markup.inline_keyboard[0]:
        assert len((b.callback_data or "").encode()) <= 64

    calls_before = len(session.calls)
    await tg_user.tap("B")
    new_calls = session.calls[calls_before:]
    assert isinstance(new_calls[0], AnswerCallbackQuery)
    assert new_calls[0].text == "Đã ghi nhận"
    # One message per answer: the tapped question is edited into the next one, whose first
    # line confirms the answer recorded (and never says whether it was right).
    [edit] = new_calls[1:]
    assert isinstance(edit, EditMessageText)
    assert edit.message_id == session.message_id_of(question)
    assert edit.text.startswith("✓ Câu 1: đã ghi nhận <b>B</b>\n\n<b>Câu 2/10</b>")
    assert isinstance(edit.reply_markup, InlineKeyboardMarkup)
    assert [b.text for b in edit.reply_markup.inline_keyboard[0]] == ["A", "B", "C", "D"]
    assert "đúng" not in edit.text.lower().replace("đáp án đúng", "")


async def test_a_whole_attempt_ends_with_the_prediction_and_the_result(
    tg_user: TgUser, session: RecordingSession
) -> None:
    await register(tg_user)
    await tg_user.send("/thi")
    for _ in range(10):
        await tg_user.tap("A")
    assert "Câu hỏi dự đoán" in tg_user.last_text()
    await tg_user.send("1.500")
    result = tg_user.last_text()
    assert "Bạn đã nộp bài" in result
    assert "Số câu đúng" in result
    assert "Dự đoán của bạn: 1.500" in result
    assert "Thứ hạng tạm thời trong đợt: <b>1</b>/1" in result
    assert len(session.of(AnswerCallbackQuery)) >= 10


async def test_text_typed_by_users_is_escaped_in_html(tg_user: TgUser) -> None:
    await register(tg_user, unit="Công ty A&B <Ninh Bình>")
    await tg_user.send("/dangky")
    shown = tg_user.last_text()
    assert "Công ty A&amp;B &lt;Ninh Bình&gt;" in shown
    assert "<Ninh" not in shown


async def test_the_deep_link_payload_is_kept_as_where_the_participant_came_from(
    tg_user: TgUser, app: App
) -> None:
    await tg_user.send("/start zalo-oa")
    await tg_user.tap("📝 Đăng ký")
    await tg_user.send("Nguyễn Văn An")
    await tg_user.share_contact("0912345678")
    await tg_user.send("1990")
    await tg_user.tap("Hoa Lư")
    await tg_user.tap("Người dân")
    await tg_user.tap("✅ Đồng ý")
    await tg_user.tap("✅ Xác nhận")
    person = await app.svc.participants.by_account("telegram", "1001")
    assert person is not None
    assert person.source == "zalo-oa"


async def test_a_letter_typed_mid_quiz_answers_the_question_as_a_tap_would(
    tg_user: TgUser, app: App, session: RecordingSession
) -> None:
    await register(tg_user)
    await tg_user.send("/thi")
    pid = await app.store.cached_participant("telegram:1001")
    assert pid is not None
    for n, typed in enumerate(["B", "b", "2", "đáp án b", "Đáp án: B", "b."], start=2):
        sent = len(tg_user.bot_messages())
        await tg_user.send(typed)
        # One message: the confirmation on top of the next question, with its buttons.
        [reply] = tg_user.bot_messages()[sent:]
        assert isinstance(reply, SendMessage)
        assert reply.text.startswith(f"✓ Câu {n - 1}: đã ghi nhận <b>B</b>\n\n<b>Câu {n}/10</b>")
        assert isinstance(reply.reply_markup, InlineKeyboardMarkup)
    live = await app.store.attempt(pid)
    assert live is not None
    assert live.next_index == 6
    assert [shown for shown, _ in live.answers.values()] == [1] * 6


async def test_a_typed_answer_counts_once_and_the_question_buttons_then_say_so(
    tg_user: TgUser, app: App, session: RecordingSession
) -> None:
    await register(tg_user)
    await tg_user.send("/thi")
    first = tg_user.bot_messages()[-1]
    assert isinstance(first.reply_markup, InlineKeyboardMarkup)
    await tg_user.send("C")
    # A tap on question 1's own button A, after it was answered by typing.
    a = first.reply_markup.inline_keyboard[0][0].callback_data or ""
    await tg_user.tap_data(session.message_id_of(first), a)
    assert session.of(AnswerCallbackQuery)[-1].text == "Câu này bạn đã trả lời rồi."
    pid = await app.store.cached_participant("telegram:1001")
    assert pid is not None
    live = await app.store.attempt(pid)
    assert live is not None
    assert {i: shown for i, (shown, _) in live.answers.items()} == {0: 2}
