"""The engine: routes each platform-neutral event to the feature that handles it."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from bot import logs, metrics
from handlers import (
    admin,
    consent,
    erasure,
    info,
    linking,
    mydata,
    practice,
    quiz,
    register,
    review,
    score,
    submit,
)
from handlers.common import (
    MENU_HELP,
    MENU_PRACTICE,
    MENU_QUIZ,
    MENU_REGISTER,
    MENU_RULES,
    MENU_SCHEDULE,
    MENU_SCORE,
    participant_id,
)
from handlers.context import Services
from handlers.events import (
    Choice,
    Command,
    Contact,
    Event,
    Message,
    Notice,
    Reply,
    Text,
    Upload,
    User,
)
from storage.session import Admission

log = logging.getLogger(__name__)


def _answer_tap(event: Event) -> bool:
    return isinstance(event, Choice) and quiz.is_answer(event.token)


# Command names as typed, Vietnamese first; the English ones are aliases.
COMMANDS = {
    "start": "start",
    "batdau": "start",
    "huongdan": "help",
    "help": "help",
    "trogiup": "help",
    "thele": "rules",
    "rules": "rules",
    "lichthi": "schedule",
    "schedule": "schedule",
    "dangky": "register",
    "register": "register",
    "thi": "quiz",
    "quiz": "quiz",
    "vaothi": "quiz",
    "thithu": "practice",
    "luyentap": "practice",
    "diem": "score",
    "score": "score",
    "ketqua": "score",
    "xemdapan": "review",
    "admin": "admin",
    "huy": "cancel",
    "cancel": "cancel",
    "lienket": "link",
    "link": "link",
    "dulieu": "mydata",
    "dulieucuatoi": "mydata",
    "xoadulieu": "erase",
}


def command_name(raw: str) -> str:
    """/Thi@contest_bot -> thi"""
    return raw.lstrip("/").split("@", 1)[0].strip().lower()


class Engine:
    """handle(event) -> replies; one instance serves every channel."""

    def __init__(self, svc: Services) -> None:
        self.svc = svc

    async def handle(self, event: Event, admission: Admission | None = None) -> list[Reply]:
        """The replies to one event. A failure is logged and answered with an apology.

        With an `admission` (a channel's update, see bot.channels.gate), nothing is done and
        no reply given unless the update is let in; an answer tap is let in in the same store
        round trip that records it. The replies are worded for the user's channel.
        """
        started = time.perf_counter()
        outcome = "handled"
        with self.svc.texts.speaking_to(event.user.channel):
            try:
                # An answer tap is let in by the same round trip that records it (quiz.answer).
                if not (
                    admission is None or _answer_tap(event) or await self.svc.store.admit(admission)
                ):
                    outcome = "ignored"
                    return []
                return await self._route(event, admission)
            except Exception:
                outcome = "failed"
                log.exception(
                    "handling %s from %s failed", type(event).__name__, event.user.channel
                )
                return [Message(self.svc.texts("common.error"))]
            finally:
                elapsed = time.perf_counter() - started
                metrics.update_handled(event.user.channel, outcome, elapsed)
                logs.update_handled(
                    event.user.channel,
                    type(event).__name__.lower(),
                    outcome,
                    elapsed,
                    admission.update_id if admission is not None else None,
                )

    async def _route(self, event: Event, admission: Admission | None) -> list[Reply]:
        svc, user = self.svc, event.user
        if not isinstance(event, Choice) and await svc.store.unmark_blocked(user.key):
            # Someone who had blocked the bot writes again: they can be reached again.
            await svc.broadcasts.unblock(user.channel, user.id)
        if isinstance(event, Command):
            name = COMMANDS.get(command_name(event.name), "")
            code = None if name else linking.typed(f"/{event.name} {event.args}")
            if code is not None:  # "/liên kết 12345678": the command's name has a space
                return await linking.command(svc, user, code)
            return await self._command(user, name, event.args)
        if isinstance(event, Choice):
            return await self._choice(event, admission)
        if isinstance(event, Contact):
            return await register.on_contact(svc, user, event)
        if isinstance(event, Text):
            return await self._text(user, event.text)
        if isinstance(event, Upload):
            return await admin.on_upload(svc, user, event)
        return await info.unsupported(svc, user)

    async def delivered(self, replies: Iterable[Reply]) -> None:
        """The platform accepted these replies: the attempt steps they show start counting now.

        Channels call it once a message is sent or edited, so a participant's time on a
        question never includes the time the bot spent queueing it (bot/pacer.py).
        """
        for reply in replies:
            if isinstance(reply, Message) and reply.shows is not None:
                s = reply.shows
                await self.svc.store.shown(
                    s.participant_id, code=s.code, index=s.index, now_ms=self.svc.now_ms()
                )

    def is_admin(self, user: User) -> bool:
        """Whether this account is one of the organisers."""
        return admin.is_admin(self.svc, user)

    async def _command(self, user: User, name: str, args: str) -> list[Reply]:
        svc = self.svc
        if name == "start":
            return await info.start(svc, user, args.strip())
        if name == "help":
            return await info.help_(svc, user)
        if name == "rules":
            return await info.rules(svc, user)
        if name == "schedule":
            return await info.schedule(svc, user)
        if name == "register":
            return await register.begin(svc, user)
        if name == "quiz":
            if register.in_registration(await svc.store.conversation(user.key)):
                return [Message(svc.texts("register.finish_first"))]
            pid = await participant_id(svc, user)
            if (asked := await consent.before_attempt(svc, user, pid)) is not None:
                return asked
            return await quiz.start(svc, user.key, pid)
        if name == "practice":
            if register.in_registration(await svc.store.conversation(user.key)):
                return [Message(svc.texts("register.finish_first"))]
            return await practice.start(svc, user)
        if name == "score":
            return await score.score(svc, user)
        if name == "review":
            return await review.latest(svc, user)
        if name == "admin":
            return await admin.panel(svc, user)
        if name == "cancel":
            await svc.store.clear_conversation(user.key)
            return [Message(svc.texts("common.cancelled"))]
        if name == "link":
            return await linking.command(svc, user, args)
        if name == "mydata":
            return await mydata.show(svc, user)
        if name == "erase":
            return await erasure.command(svc, user)
        return await info.unknown_command(svc, user)

    async def _choice(self, event: Choice, admission: Admission | None) -> list[Reply]:
        svc, user, token = self.svc, event.user, event.token
        if quiz.is_answer(token):
            return await quiz.answer(svc, user, token, event.ref, admission)
        if practice.is_option(token):
            return await practice.answer(svc, user, token, event.ref)
        if token.startswith("r:"):
            return await register.on_choice(svc, user, token)
        if token.startswith(admin.PREFIX):
            return await admin.on_choice(svc, user, token, event.ref)
        if token.startswith(review.PREFIX):
            return await review.on_choice(svc, user, token)
        if token.startswith(consent.PREFIX):
            return await consent.on_choice(svc, user, token)
        if token.startswith(erasure.PREFIX):
            return await erasure.on_choice(svc, user, token, event.ref)
        menu = {
            MENU_REGISTER: "register",
            MENU_QUIZ: "quiz",
            MENU_RULES: "rules",
            MENU_SCHEDULE: "schedule",
            MENU_SCORE: "score",
            MENU_HELP: "help",
            MENU_PRACTICE: "practice",
        }
        if token in menu:
            return await self._command(user, menu[token], "")
        return [Notice(svc.texts("common.expired_button"))]

    async def _text(self, user: User, text: str) -> list[Reply]:
        svc = self.svc
        code = linking.typed(text)
        if code is not None:  # also in the middle of registering: it replaces registering
            return await linking.command(svc, user, code)
        if text.startswith("/"):
            name, _, args = text.partition(" ")
            return await self._command(user, COMMANDS.get(command_name(name), ""), args)
        conv = await svc.store.conversation(user.key)
        if register.in_registration(conv):
            return await register.on_text(svc, user, conv, text)
        if admin.in_admin_flow(conv) and admin.is_admin(svc, user):
            return await admin.on_text(svc, user, conv, text)
        pid = await participant_id(svc, user)
        if pid is not None:
            live = await svc.store.attempt(pid)
            if live is not None:
                return await quiz.on_text(svc, pid, live, text)
            going = await svc.practice.get(pid)
            if going is not None:
                return await practice.on_text(svc, pid, going, text)
        return await info.unknown_text(svc, user)

    async def sweep(self) -> list[tuple[str, list[Reply]]]:
        """Submit attempts past their deadline and write those that waited for SQL."""
        owed = await submit.sweep(self.svc)
        return owed + await submit.flush_pending(self.svc)
