"""Someone the contest does not know yet gets the welcome and the menu whatever they write (on
Zalo there is no Start button: the first message is "xin chào" or the like); a command the bot
does not have is named as such."""

from __future__ import annotations

import pytest

from bot.app import App
from tests.support.client import Person


@pytest.mark.parametrize("channel", ["zalo", "telegram", "console"])
@pytest.mark.parametrize("first", ["xin chào", "alo", "Tôi muốn đăng ký thi"])
async def test_a_newcomers_first_words_get_the_welcome_and_the_menu(
    app: App, channel: str, first: str
) -> None:
    newcomer = Person.on(app, channel, "501", "Lan")
    await newcomer.send(first)
    assert newcomer.said.startswith("Xin chào Lan! 👋")
    [welcome] = newcomer.messages()
    assert welcome.buttons[0][0].label == "📝 Đăng ký"
    assert await app.svc.participants.count() == 0


async def test_a_participant_writing_off_topic_is_shown_the_menu(app: App, person: Person) -> None:
    await person.register()
    await person.send("xin chào")
    assert person.said.startswith("Mình chưa hiểu tin nhắn này.")


async def test_a_command_the_bot_does_not_have_is_said_so(app: App, person: Person) -> None:
    await person.send("/khongco")
    assert person.said.startswith("Không có lệnh này. Gõ /huongdan để xem các lệnh.")
