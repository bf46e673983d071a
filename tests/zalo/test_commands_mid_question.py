"""A command typed while a question is showing ("bắt đầu", "huong dan", "đăng ký") is answered,
and the question stays answerable: a letter or a number always answers it, even though the
command's reply has options of its own (they are listed without numbers meanwhile)."""

from __future__ import annotations

from bot.app import App
from bot.channels.zalo.channel import ZaloChannel
from bot.clock import ManualClock
from tests.fake_zalo import FakeZalo
from tests.zalo.participant import ZaloParticipant

WAITING = "Câu hỏi vẫn đang chờ bạn trả lời: gõ A, B, C hoặc D."


async def answers(app: App, an: ZaloParticipant) -> dict[int, int]:
    """The option shown (0 for A) recorded for each question answered so far."""
    person = await app.svc.participants.by_account("zalo", an.id)
    assert person is not None
    assert person.id is not None
    live = await app.svc.store.attempt(person.id)
    assert live is not None
    return {i: shown for i, (shown, _) in live.answers.items()}


async def test_letters_and_numbers_answer_the_question_whatever_command_came_between(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant
) -> None:
    await an.register()
    await an.say("thi", "Câu 1/10")

    welcome = await an.say("bắt đầu", "Chào mừng")
    assert "1. ✍️ Vào thi" not in welcome.shown  # its menu is not numbered meanwhile
    assert welcome.shown.endswith(WAITING)
    await an.say("B", "Câu 2/10")

    guide = await an.say("huong dan", "Hướng dẫn")
    assert guide.shown.endswith(WAITING)
    await an.say("1", "Câu 3/10")  # A, not the menu's first item

    details = await an.say("đăng ký", "Bạn đã đăng ký với thông tin")
    assert details.shown.endswith(WAITING)
    await an.say("đáp án d", "Câu 4/10")
    await an.say("2", "Câu 5/10")

    assert await answers(app, an) == {0: 1, 1: 0, 2: 3, 3: 1}
    zl.assert_no_violations()


async def test_once_the_question_no_longer_waits_the_menu_is_numbered_again(
    app: App, zl: FakeZalo, polling: ZaloChannel, an: ZaloParticipant, clock: ManualClock
) -> None:
    await an.register()
    await an.say("thi", "Câu 1/10")
    clock.advance(minutes=11)  # the time is up, though nothing has swept the attempt yet
    welcome = await an.say("bắt đầu", "Chào mừng")
    assert "1. ✍️ Vào thi\n2. 🏅 Điểm của tôi" in welcome.shown
    assert WAITING not in welcome.shown
    await an.say("2", "Kết quả của bạn")  # the menu's own numbers pick its items
