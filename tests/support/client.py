"""A test client that speaks like a participant: send text, share a contact, tap a button."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypedDict, Unpack

from bot.app import App
from handlers.events import (
    Choice,
    Command,
    Contact,
    Document,
    Event,
    Message,
    Notice,
    Reply,
    Text,
    User,
)
from handlers.texts import plain
from questions.model import LETTERS
from storage.session import LiveAttempt


class Details(TypedDict, total=False):
    """What a participant gives when registering (see Person.answer_up_to_consent)."""

    name: str
    phone: str
    birth: str
    locality: str
    unit: str | None
    typed_phone: bool


@dataclass
class Person:
    """One participant on one channel, talking to the engine of `app`."""

    app: App
    user: User
    replies: list[Reply] = field(default_factory=list)
    history: list[Reply] = field(default_factory=list)
    _sent: int = 0

    @classmethod
    def on(cls, app: App, channel: str, uid: str, name: str = "") -> Person:
        return cls(app, User(channel, uid, name))

    async def event(self, event: Event) -> list[Reply]:
        self.replies = await self.app.engine.handle(event)
        self.history += self.replies
        return self.replies

    async def send(self, text: str) -> list[Reply]:
        """Type a line; a leading / makes it a command."""
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            return await self.event(Command(self.user, name, args))
        return await self.event(Text(self.user, text))

    async def share_contact(self, phone: str, *, own: bool = True) -> list[Reply]:
        return await self.event(Contact(self.user, phone, own))

    async def tap(self, label: str) -> list[Reply]:
        """Tap the button with this label on the latest message that has one."""
        for reply in reversed(self.history):
            if isinstance(reply, Message):
                for row in reply.buttons:
                    for button in row:
                        if button.label == label:
                            self._sent += 1
                            return await self.event(
                                Choice(self.user, button.token, ref=f"m{self._sent}")
                            )
        raise AssertionError(f"no button {label!r} in {self.texts(self.history[-5:])}")

    def offered(self, label: str) -> bool:
        """Whether the latest message with buttons has one with this label."""
        for reply in reversed(self.history):
            if isinstance(reply, Message) and reply.buttons:
                return any(b.label == label for row in reply.buttons for b in row)
        return False

    async def pick(self, label: str) -> list[Reply]:
        """Pick an entry of a list: tap it when it is offered, else type it to search and tap
        it among the matches (a name typed exactly is taken at once)."""
        if self.offered(label):
            return await self.tap(label)
        await self.send(label)
        return await self.tap(label) if self.offered(label) else self.replies

    async def tap_token(self, token: str, ref: str | None = None) -> list[Reply]:
        return await self.event(Choice(self.user, token, ref=ref))

    # ---------------------------------------------------------------- reading replies

    @staticmethod
    def texts(replies: list[Reply]) -> list[str]:
        out = []
        for r in replies:
            if isinstance(r, Message | Notice):
                out.append(plain(r.text))
            elif isinstance(r, Document):
                out.append(f"[{r.filename}]")
        return out

    @property
    def said(self) -> str:
        """Everything the last replies said, as plain text."""
        return "\n".join(self.texts(self.replies))

    def messages(self) -> list[Message]:
        return [r for r in self.replies if isinstance(r, Message)]

    def notices(self) -> list[str]:
        return [r.text for r in self.replies if isinstance(r, Notice)]

    def last_question(self) -> Message:
        for reply in reversed(self.history):
            if (
                isinstance(reply, Message)
                and reply.buttons
                and reply.buttons[0][0].label in LETTERS
            ):
                return reply
        raise AssertionError("no question shown yet")

    # ---------------------------------------------------------------- whole flows

    async def answer_up_to_the_locality(
        self,
        *,
        name: str = "Nguyễn Văn An",
        phone: str = "0912345678",
        birth: str = "1990",
        typed_phone: bool = False,
    ) -> None:
        """Register's first three steps, leaving the locality step asking (Zalo has no contact
        button: the phone is typed)."""
        await self.send("/dangky")
        await self.send(name)
        if typed_phone:
            await self.send(phone)
        else:
            await self.share_contact(phone)
        await self.send(birth)

    async def answer_up_to_consent(
        self,
        *,
        name: str = "Nguyễn Văn An",
        phone: str = "0912345678",
        birth: str = "1990",
        locality: str = "Hoa Lư",
        unit: str | None = None,
        typed_phone: bool = False,
    ) -> None:
        """Register's steps up to the consent question, leaving it asking."""
        await self.answer_up_to_the_locality(
            name=name, phone=phone, birth=birth, typed_phone=typed_phone
        )
        await self.pick(locality)
        if unit is None:
            await self.tap("Người dân")
        else:
            await self.pick(unit)

    async def register(self, **details: Unpack[Details]) -> None:
        """Register with the given details (as answer_up_to_consent takes them) and confirm."""
        await self.answer_up_to_consent(**details)
        await self.tap("✅ Đồng ý")
        await self.tap("✅ Xác nhận")
        assert "Đăng ký thành công" in self.said, self.said

    async def participant_id(self) -> int:
        person = await self.app.svc.participants.by_account(self.user.channel, self.user.id)
        assert person is not None
        assert person.id is not None
        return person.id

    async def live(self) -> LiveAttempt | None:
        """The attempt in progress, as the session store holds it."""
        return await self.app.svc.store.attempt(await self.participant_id())

    async def start_attempt(self) -> LiveAttempt:
        """Send /thi; the attempt it started (failing when it started none)."""
        await self.send("/thi")
        live = await self.live()
        assert live is not None, self.said
        return live

    async def correct_label(self) -> str:
        """The letter of the right option of the question being shown now."""
        svc = self.app.svc
        live = await svc.store.attempt(await self.participant_id())
        assert live is not None, "no live attempt"
        index = live.next_index
        qid = live.question_ids[index]
        q = (await svc.pool.get_many([qid]))[qid]
        return LETTERS[live.orders[index].index(q.correct)]

    async def answer(self, right: bool) -> list[Reply]:
        label = await self.correct_label()
        if not right:
            label = next(letter for letter in "ABCD" if letter != label)
        return await self.tap(label)

    async def take_attempt(self, *, correct: int, prediction: int | None = 100) -> list[Reply]:
        """Start an attempt, answer `correct` questions right and the rest wrong, then predict."""
        await self.send("/thi")
        total = self.app.contest.rules.questions_per_attempt
        for i in range(total):
            await self.answer(i < correct)
        if prediction is not None:
            await self.send(str(prediction))
        return self.replies
