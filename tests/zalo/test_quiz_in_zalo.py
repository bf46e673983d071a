"""A participant on Zalo registers by typing and takes the quiz by typing A-D (in-process)."""

from __future__ import annotations

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from questions.model import LETTERS
from tests.fake_zalo import FakeZalo
from tests.zalo.participant import ZaloParticipant, correct_letter

UNSUPPORTED = "Cuộc thi chỉ nhận tin nhắn chữ"
HINT = "Mình chưa hiểu câu trả lời này"


def typed(letter: str, i: int) -> str:
    """The answer as people type it, in a different form each time."""
    forms = ["{l}", "{s}", "đáp án {s}", "Đáp án: {l}", " {l} ", "{n}", "{l}.", "chọn {s}"]
    n = LETTERS.index(letter) + 1
    return forms[i % len(forms)].format(l=letter, s=letter.lower(), n=n)


async def test_a_participant_registers_by_typing_and_takes_a_whole_attempt(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    welcome = await an.say("bắt đầu", "Xin chào")
    assert "1. 📝 Đăng ký" in welcome.shown
    assert "Gõ số để chọn." in welcome.shown
    await an.register(phone="+84 912 345 678")
    person = await app.svc.participants.by_account("zalo", an.id)
    assert person is not None
    assert (person.full_name, person.phone) == ("Nguyễn Văn An", "+84912345678")

    first = await an.say("thi", "Câu 1/10")
    assert first.shown.endswith("Trả lời bằng cách gõ A, B, C hoặc D.")
    assert "\nA. " in first.shown
    for i in range(10):
        right = await correct_letter(app, an.id)
        letter = right if i < 7 else next(x for x in "ABCD" if x != right)
        seq = zl.last_seq()
        following = f"Câu {i + 2}/10" if i < 9 else "Câu hỏi dự đoán"
        shown = await an.say(typed(letter, i), following)
        # One message per answer: the confirmation leads the next question, no echo.
        assert an.said_since(seq) == [shown.shown]
        assert shown.shown.startswith(f"✓ Câu {i + 1}: đã ghi nhận {letter}\n\n")
    result = await an.say("1.500", "Số câu đúng")
    assert "Số câu đúng: 7/10" in result.shown
    zl.assert_no_violations()


async def test_text_that_is_no_answer_gets_a_hint_and_changes_nothing(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    await an.register()
    await an.say("thi", "Câu 1/10")
    person = await app.svc.participants.by_account("zalo", an.id)
    assert person is not None
    assert person.id is not None
    for junk in ("xin chào", "E", "tôi không biết", "1500"):
        seq = zl.last_seq()
        hint = await an.say(junk, HINT)
        assert an.said_since(seq) == [hint.shown]
        assert "A, B, C hoặc D" in hint.shown
    live = await app.svc.store.attempt(person.id)
    assert live is not None
    assert (live.next_index, live.answers) == (0, {})
    await an.say("A", "Câu 2/10")


async def test_stickers_images_and_protected_messages_get_the_polite_answer_and_change_nothing(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    await an.register()
    await an.say("thi", "Câu 1/10")
    for send in (an.user.send_sticker, an.user.send_image, an.user.send_unsupported):
        seq = zl.last_seq()
        send()
        await zl.wait_for_text(an.id, UNSUPPORTED, after=seq)
    zl.push({"event_name": "message.unsupported.received"})  # no sender: nobody to answer
    # The question is still there to answer, with the letters still mapped.
    await an.say("b", "Câu 2/10")
    assert sum(UNSUPPORTED in t for t in zl.texts(an.id)) == 3
    zl.assert_no_violations()


async def test_a_redelivered_message_is_handled_once(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    await an.register()
    await an.say("thi", "Câu 1/10")
    seq = zl.last_seq()
    answer = an.user.send_text("A")
    await zl.wait_for_text(an.id, "Câu 2/10", after=seq)
    seq = zl.last_seq()
    zl.replay(answer["message"]["message_id"])
    await an.say("lịch thi", "Lịch thi")  # handled after the replay: the user's turn is FIFO
    assert len(an.said_since(seq)) == 1
    person = await app.svc.participants.by_account("zalo", an.id)
    assert person is not None
    assert person.id is not None
    live = await app.svc.store.attempt(person.id)
    assert live is not None
    assert live.next_index == 1


async def test_commands_work_typed_without_slash_or_diacritics(
    zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    await an.say("the le", "THỂ LỆ")
    await an.say("/thele", "THỂ LỆ")
    await an.say("lich thi", "Lịch thi")
    await an.say("huong dan", "Hướng dẫn")
    await an.say("/khong-co", "Không có lệnh này")
    await an.say("dang ky", "1/6. Họ và tên")
    await an.say("huy", "Đã huỷ")
    zl.assert_no_violations()


async def test_a_menu_number_taps_that_button(
    zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    welcome = await an.say("start", "Xin chào")
    rules = next(line for line in welcome.shown.splitlines() if "Thể lệ" in line)
    await an.say(rules.split(".")[0], "THỂ LỆ")
