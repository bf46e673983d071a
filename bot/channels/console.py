"""The console channel: take part from a terminal, typing numbers, letters or text."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import sys
from collections.abc import Callable
from typing import TextIO

from bot.engine import Engine
from handlers.events import (
    Button,
    Choice,
    Command,
    Document,
    Event,
    Message,
    Notice,
    Reply,
    Text,
    User,
)
from handlers.texts import plain

CHANNEL = "console"


class ConsoleSession:
    """Turns typed lines into events and prints replies; remembers the buttons last shown."""

    def __init__(self, user: User, out: TextIO = sys.stdout) -> None:
        self.user = user
        self.out = out
        self.buttons: list[Button] = []

    def event_for(self, line: str) -> Event | None:
        """The event a typed line stands for (None for an empty line)."""
        text = line.strip()
        if not text:
            return None
        if text.startswith("/"):
            name, _, args = text[1:].partition(" ")
            return Command(self.user, name, args)
        for i, b in enumerate(self.buttons, start=1):
            if text == str(i) or (len(b.label) == 1 and text.upper() == b.label):
                return Choice(self.user, b.token, ref="last")
        return Text(self.user, text)

    def show(self, replies: list[Reply]) -> None:
        """Print replies; buttons become a numbered (or lettered) list."""
        for reply in replies:
            if isinstance(reply, Notice):
                print(f"  ({reply.text})", file=self.out)
            elif isinstance(reply, Document):
                print(f"  [tệp {reply.filename}]", file=self.out)
            elif isinstance(reply, Message):
                self._message(reply)
        self.out.flush()

    def _message(self, m: Message) -> None:
        print("", file=self.out)
        print(plain(m.text), file=self.out)
        flat = [b for row in m.buttons for b in row]
        if m.replace is None or flat:
            self.buttons = flat
        if flat:
            labels = [
                f"[{b.label}]" if len(b.label) == 1 else f"[{i}] {b.label}"
                for i, b in enumerate(flat, start=1)
            ]
            print("  " + "   ".join(labels), file=self.out)
        if m.ask_contact:
            print("  (gõ số điện thoại của bạn)", file=self.out)


async def run_console(
    engine: Engine,
    *,
    read: Callable[[], str] | None = None,
    out: TextIO = sys.stdout,
    sweep_every: float = 1.0,
) -> None:
    """Chat with the engine until end of input or /thoat."""
    name = getpass.getuser()
    session = ConsoleSession(User(CHANNEL, "local", name), out)
    reader = read or sys.stdin.readline

    async def sweeper() -> None:
        while True:
            await asyncio.sleep(sweep_every)
            for user_key, replies in await engine.sweep():
                if user_key == session.user.key:
                    session.show(replies)

    task = asyncio.create_task(sweeper())
    print("Gõ /start để bắt đầu, /thoat để thoát.", file=out)
    try:
        while True:
            line = await asyncio.to_thread(reader)
            if not line or line.strip() in {"/thoat", "/exit", "/quit"}:
                break
            event = session.event_for(line)
            if event is not None:
                session.show(await engine.handle(event))
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
