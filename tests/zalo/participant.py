"""A Zalo participant for tests: types what a person would and waits for the bot's answer."""

from __future__ import annotations

from dataclasses import dataclass

from bot.app import App
from questions.model import LETTERS
from tests.fake_zalo import FakeZalo, FakeZaloUser, SentMessage

WAIT = 10.0


@dataclass
class ZaloParticipant:
    """One person in a private chat with the bot on the fake Zalo server."""

    zl: FakeZalo
    user: FakeZaloUser

    @property
    def id(self) -> str:
        return self.user.id

    async def say(self, text: str, expect: str, timeout: float = WAIT) -> SentMessage:  # noqa: ASYNC109 - as FakeZalo.wait_for
        """Type `text` and wait for a new bot message containing `expect`."""
        after = self.zl.last_seq()
        self.user.send_text(text)
        return await self.zl.wait_for_text(self.id, expect, timeout, after=after)

    def said_since(self, seq: int) -> list[str]:
        """The bot's messages to this person after `seq`."""
        return [m.shown for m in self.zl.sent_to(self.id) if m.seq > seq]

    async def register(
        self, *, name: str = "Nguyễn Văn An", phone: str = "0912345678", locality: str = "Hoa Lư"
    ) -> None:
        """Register, typing everything, as a Zalo user must (no contact button)."""
        asked = await self.say("đăng ký", "1/6. Họ và tên")
        assert "Gõ số" not in asked.shown
        phone_step = await self.say(name, "2/6. Số điện thoại")
        assert "bạn gõ số" in phone_step.shown
        assert "bấm" not in phone_step.shown  # nothing to tap, no contact to share on Zalo
        await self.say(phone, "3/6. Năm sinh")
        places = await self.say("1990", "4/6.")
        assert "Gõ số để chọn." in places.shown
        await self.say(locality, "5/6.")
        await self.say("1", "6/6.")  # 1. Người dân
        await self.say("Đồng ý", "Bạn kiểm tra lại thông tin")
        await self.say("1", "Đăng ký thành công")  # 1. ✅ Xác nhận


async def correct_letter(app: App, user_id: str) -> str:
    """The letter of the right option of the question showing now to a Zalo user."""
    svc = app.svc
    person = await svc.participants.by_account("zalo", user_id)
    assert person is not None, "not registered"
    assert person.id is not None
    live = await svc.store.attempt(person.id)
    assert live is not None, "no attempt in progress"
    qid = live.question_ids[live.next_index]
    question = (await svc.pool.get_many([qid]))[qid]
    return LETTERS[live.orders[live.next_index].index(question.correct)]
