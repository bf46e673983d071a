"""On Zalo there is no Start button and nothing to tap: a newcomer's first message, whatever it
says, gets the welcome and the menu, and nothing the bot says asks to tap a button or to share
a contact (the catalogue's Zalo wording)."""

from __future__ import annotations

import pytest

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from tests.fake_zalo import FakeZalo
from tests.zalo.participant import ZaloParticipant, correct_letter

# Naming Telegram is fine where it is the other app an entry is linked with (/lienket).
TELEGRAM_WORDS = ("bấm", "Bấm", "nút", "Nút", "chia sẻ số")


@pytest.mark.parametrize("first", ["xin chào", "Chào bạn", "alo", "?", "1", "tôi muốn thi"])
async def test_a_newcomers_first_message_whatever_it_says_gets_the_welcome_and_the_menu(
    zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant, first: str
) -> None:
    welcome = await an.say(first, "Xin chào An Nguyễn! 👋")
    assert "1. 📝 Đăng ký\n2. ❓ Hướng dẫn" in welcome.shown
    assert welcome.shown.endswith("Gõ số để chọn.")
    await an.say("1", "1/6. Họ và tên")  # and the menu it lists works
    zl.assert_no_violations()


async def test_someone_registered_who_writes_off_topic_is_shown_the_menu(
    zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    await an.register()
    reply = await an.say("xin chào", "Mình chưa hiểu tin nhắn này")
    assert "1. ✍️ Vào thi" in reply.shown


async def test_nothing_said_on_zalo_asks_to_tap_a_button_or_share_a_contact(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    welcome = await an.say("xin chào", "Xin chào")
    assert "bằng cách gõ A, B, C hoặc D" in welcome.shown
    an.user.send_sticker()
    await zl.wait_for_text(an.id, "Cuộc thi chỉ nhận tin nhắn chữ.")
    await an.say("đăng ký", "1/6. Họ và tên")
    await an.say("Nguyễn Văn An", "2/6.")
    await an.say("0912345678", "3/6.")
    await an.say("1990", "4/6.")
    await an.say("Hoa Lư", "5/6.")
    await an.say("huỷ", "Đã huỷ")
    await an.say("1", "Lựa chọn này không còn hiệu lực.")  # 1. Người dân, listed before
    await an.register()
    saved = zl.texts(an.id)[-1]
    assert 'Gõ "thi" khi bạn sẵn sàng.' in saved
    await an.say("điểm", "bạn chưa thi lượt nào")
    await an.say("thi", "Câu 1/10")
    await an.say("không biết", "Mình chưa hiểu câu trả lời này")
    for n in range(2, 11):
        await an.say(await correct_letter(app, an.id), f"Câu {n}/10")
    await an.say("A", "Câu hỏi dự đoán")
    await an.say("300", "Số câu đúng")
    await an.say("1", "Kết quả")  # 1. 🏅 Điểm của tôi

    said = zl.texts(an.id)
    assert len(said) > 25
    wrong = [text for text in said if any(word in text for word in TELEGRAM_WORDS)]
    assert wrong == []
    zl.assert_no_violations()
