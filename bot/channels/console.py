"""The console channel: take part from a terminal, typing as on Zalo (bot.channels.text).

Options are listed as "[1] Người dân" or, for a question, "[A] [B] [C] [D]"; a number, a
letter, an option's words or a command (with or without "/") is what a tap would be. The
texts are the ones Zalo users read: nothing here can be tapped or shared.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import sys
from collections.abc import Callable
from typing import TextIO

from bot.channels.text import (
    Hint,
    Shown,
    event_of_text,
    hint_text,
    is_answer_set,
    listed_by,
    mapped_after,
    waiting_text,
)
from bot.engine import Engine
from handlers.events import Document, Event, Message, Notice, Reply, User
from handlers.texts import plain

CHANNEL = "console"


class ConsoleSession:
    """Turns typed lines into events and prints replies; remembers the options last listed."""

    def __init__(self, engine: Engine, user: User, out: TextIO = sys.stdout) -> None:
        self.engine = engine
        self.user = user
        self.out = out
        self.shown: Shown = []

    async def type(self, line: str) -> None:
        """One typed line, and what the bot answers printed (nothing for an empty line)."""
        text = line.strip()
        if not text:
            return
        event = event_of_text(self.user, text, self.shown, ref="last")
        if isinstance(event, Hint):
            print("", hint_text(self.engine.svc.texts, event), sep="\n", file=self.out)
            self.out.flush()
            return
        await self.show(await self.engine.handle(event), event)

    async def show(self, replies: list[Reply], event: Event | None = None) -> None:
        """Print the replies to `event` (None: owed outside an update, such as a time-up)."""
        mapping = await mapped_after(self.engine.svc, event, self.shown, listed_by(replies))
        waiting = mapping.shown if mapping.waiting else None
        for reply in replies:
            if isinstance(reply, Notice):
                print(f"  ({plain(reply.text)})", file=self.out)
            elif isinstance(reply, Document):
                texts = self.engine.svc.texts
                print("  " + texts("console.document", filename=reply.filename), file=self.out)
            elif isinstance(reply, Message):
                self._message(reply, waiting)
        self.shown = mapping.shown
        self.out.flush()
        await self.engine.delivered(replies)

    def _message(self, m: Message, waiting: Shown | None) -> None:
        if m.new_picture:
            # A terminal shows no pictures: say there is one, and where the web serves it.
            texts = self.engine.svc.texts
            print("", "  " + texts("console.picture", key=m.image), sep="\n", file=self.out)
        print("", plain(m.text), sep="\n", file=self.out)
        flat = [(b.label, b.token) for row in m.buttons for b in row]
        if not flat:
            return
        if is_answer_set(flat):
            print("  " + "   ".join(f"[{label}]" for label, _ in flat), file=self.out)
        elif waiting:
            print("  " + waiting_text(self.engine.svc.texts, waiting), file=self.out)
        else:
            labels = [f"[{i}] {label}" for i, (label, _) in enumerate(flat, start=1)]
            print("  " + "   ".join(labels), file=self.out)


async def run_console(
    engine: Engine,
    *,
    read: Callable[[], str] | None = None,
    out: TextIO = sys.stdout,
    sweep_every: float = 1.0,
    name: str | None = None,
) -> None:
    """Chat with the engine until end of input or /thoat."""
    session = ConsoleSession(engine, User(CHANNEL, "local", name or getpass.getuser()), out)
    reader = read or sys.stdin.readline

    async def sweeper() -> None:
        while True:
            await asyncio.sleep(sweep_every)
            for user_key, replies in await engine.sweep():
                if user_key == session.user.key:
                    await session.show(replies)

    task = asyncio.create_task(sweeper())
    print(engine.svc.texts("console.intro"), file=out)
    try:
        while True:
            line = await asyncio.to_thread(reader)
            if not line or line.strip() in {"/thoat", "/exit", "/quit"}:
                break
            await session.type(line)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
