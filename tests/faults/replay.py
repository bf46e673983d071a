"""Replaying a scripted crowd of Telegram participants through the Dispatcher, for test_replays.

Also runnable on its own, which is how the test delivers the clean run in a second process
while it replays in its own (the machine has two cores):

    python -m tests.faults.replay DB_PATH TEMPLATE_DB REDIS_PREFIX
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import sqlite3
import sys
import time
from collections import deque
from collections.abc import Awaitable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import CallbackQuery, Chat, Contact, InlineKeyboardMarkup, Message, Update, User

from bot.app import App
from bot.channels.telegram.channel import TelegramChannel
from bot.clock import ManualClock
from questions.model import LETTERS
from tests.conftest import vn
from tests.faults.support import bot_on_real_redis, telegram_channel
from tests.telegram.recording import RecordingSession

PARTICIPANTS = 500
STEPS = 20  # 8 registration updates, /thi, 10 answers, the prediction
STEP_MS = 40  # the clock between two first deliveries: 10,000 steps take 400 s
LOCALITIES = ["Nho Quan", "Gia Viễn", "Hoa Lư", "Yên Mô", "Yên Khánh", "Kim Sơn"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
GIVEN = ["An", "Bình", "Cúc", "Dũng", "Hà", "Lan", "Minh", "Nga", "Phúc", "Quyên", "Sơn", "Thảo"]


@dataclass(frozen=True)
class Script:
    """What one participant means to do."""

    uid: int
    name: str
    phone: str
    birth: int
    locality: str
    rights: tuple[bool, ...]
    prediction: int

    def step(self, n: int) -> tuple[str, Any]:
        """The n-th intention: ("text"|"contact"|"tap"|"answer", what)."""
        steps: list[tuple[str, Any]] = [
            ("text", "/dangky"),
            ("text", self.name),
            ("contact", self.phone),
            ("text", str(self.birth)),
            ("tap", self.locality),
            ("tap", "Người dân"),
            ("tap", "✅ Đồng ý"),
            ("tap", "✅ Xác nhận"),
            ("text", "/thi"),
            *(("answer", right) for right in self.rights),
            ("text", str(self.prediction)),
        ]
        return steps[n]


def scripts(rng: random.Random) -> list[Script]:
    out = []
    for i in range(PARTICIPANTS):
        out.append(
            Script(
                uid=700_000 + i,
                name=f"{rng.choice(SURNAMES)} Văn {rng.choice(GIVEN)}",
                phone=f"09{i:08d}",
                birth=rng.randint(1950, 2010),
                locality=rng.choice(LOCALITIES),
                rights=tuple(rng.random() < 0.6 for _ in range(10)),
                prediction=rng.randint(0, 100_000),
            )
        )
    return out


@dataclass
class Driver:
    """Builds each participant's next update from what the bot last showed them, and feeds it."""

    app: App
    session: RecordingSession
    channel: TelegramChannel
    clock: ManualClock
    buttons: dict[int, dict[str, tuple[int, str]]] = field(default_factory=dict)
    seen: int = 0
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def _message(self, s: Script, **content: Any) -> Message:
        return Message(
            message_id=next(self.ids),
            date=datetime.now(UTC),
            chat=Chat(id=s.uid, type="private"),
            from_user=User(id=s.uid, is_bot=False, first_name=s.name.split()[-1]),
            **content,
        )

    async def build(self, s: Script, n: int) -> Update:
        kind, value = s.step(n)
        uid = next(self.ids)
        if kind == "text":
            return Update(update_id=uid, message=self._message(s, text=value))
        if kind == "contact":
            contact = Contact(phone_number=value, first_name="x", user_id=s.uid)
            return Update(update_id=uid, message=self._message(s, contact=contact))
        if kind == "answer":
            value = await self._letter(s, right=value)
        message_id, data = self.buttons[s.uid][value]
        shown = Message(
            message_id=message_id,
            date=datetime.now(UTC),
            chat=Chat(id=s.uid, type="private"),
            text="…",
        )
        query = CallbackQuery(
            id=f"cb{uid}",
            from_user=User(id=s.uid, is_bot=False, first_name="x"),
            chat_instance="ci",
            message=shown,
            data=data,
        )
        return Update(update_id=uid, callback_query=query)

    async def _letter(self, s: Script, *, right: bool) -> str:
        pid = await self.app.store.cached_participant(f"telegram:{s.uid}")
        assert pid is not None
        live = await self.app.store.attempt(pid)
        assert live is not None
        qid = live.question_ids[live.next_index]
        q = (await self.app.svc.pool.get_many([qid]))[qid]
        correct = live.orders[live.next_index].index(q.correct)
        return LETTERS[correct if right else (correct + 1) % len(q.options)]

    async def feed(self, update: Update) -> int:
        """Feed one update; returns how many Bot API calls it caused."""
        await self.channel.dispatcher.feed_update(self.channel.bot, update)
        return self.collect()

    def collect(self) -> int:
        """Remember the buttons of what the bot sent since the last look."""
        calls = self.session.calls[self.seen :]
        self.seen = len(self.session.calls)
        for call in calls:
            if isinstance(call, SendMessage | EditMessageText) and isinstance(
                call.reply_markup, InlineKeyboardMarkup
            ):
                mid = self.session.message_id_of(call)
                self.buttons[int(call.chat_id or 0)] = {
                    b.text: (mid, b.callback_data or "")
                    for row in call.reply_markup.inline_keyboard
                    for b in row
                }
        return len(calls)


async def deliver(
    app: App, clock: ManualClock, people: list[Script], order: list[int], *, twice: bool
) -> dict[str, int]:
    """Deliver every participant's script in `order`; with `twice`, each update twice."""
    session, channel = telegram_channel(app)
    d = Driver(app, session, channel, clock)
    rng = random.Random(2023)
    progress = dict.fromkeys(range(len(people)), 0)
    later: deque[tuple[int, Update]] = deque()  # (due at step, update)
    stats = {"first": 0, "copies": 0, "right_after": 0, "together": 0, "later": 0, "silent": 0}
    for step, who in enumerate(order):
        while later and later[0][0] <= step:
            stats["silent"] += await d.feed(later.popleft()[1]) == 0
        s = people[who]
        clock.advance(milliseconds=STEP_MS)
        update = await d.build(s, progress[who])
        progress[who] += 1
        stats["first"] += 1
        if not twice:
            await d.feed(update)
            continue
        stats["copies"] += 1
        way = rng.randrange(3)
        if way == 0:
            await d.feed(update)
            stats["right_after"] += 1
            stats["silent"] += await d.feed(update) == 0
        elif way == 1:
            together: list[Awaitable[None]] = [
                channel.dispatcher.feed_update(channel.bot, update) for _ in range(2)
            ]
            await asyncio.gather(*together)
            d.collect()
            stats["together"] += 1
        else:
            await d.feed(update)
            due = step + rng.randint(1, 300)
            later.append((due, update))
            later = deque(sorted(later, key=lambda item: item[0]))
            stats["later"] += 1
    while later:
        stats["silent"] += await d.feed(later.popleft()[1]) == 0
    return stats


def stored(db_path: Path) -> dict[str, Any]:
    """Everything a run's database holds of the participants and their results, by phone."""
    with closing(sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)) as conn:
        people = conn.execute(
            "SELECT id, phone, full_name, birth_year, locality, unit FROM participants"
        ).fetchall()
        attempts = conn.execute(
            "SELECT id, participant_id, round_code, started_at, submitted_at, local_day,"
            " duration_ms, correct, total, prediction, auto_submitted FROM attempts"
        ).fetchall()
        answers = conn.execute(
            "SELECT attempt_id, position, question_id, choice, answered_at"
            " FROM attempt_answers ORDER BY attempt_id, position"
        ).fetchall()
    phone_of = {p[0]: p[1] for p in people}
    by_attempt: dict[int, list[tuple[Any, ...]]] = {}
    for a in answers:
        by_attempt.setdefault(a[0], []).append(tuple(a[1:]))
    result: dict[str, Any] = {p[1]: {"person": tuple(p[1:]), "attempts": []} for p in people}
    for at in attempts:
        result[phone_of[at[1]]]["attempts"].append((tuple(at[2:]), by_attempt.get(at[0], [])))
    return result


def plan() -> tuple[list[Script], list[int]]:
    """The participants' scripts and the shuffled interleaving of their steps (fixed seed)."""
    rng = random.Random(10_000)
    people = scripts(rng)
    order = [i for i in range(PARTICIPANTS) for _ in range(STEPS)]
    rng.shuffle(order)  # each participant's steps keep their order: only the interleaving moves
    return people, order


async def run(db_path: Path, template: Path, prefix: str, *, twice: bool) -> dict[str, Any]:
    """One run on its own database and Redis prefix; returns the delivery counts and checks."""
    people, order = plan()
    clock = ManualClock(vn(2023, 2, 20, 8, 0))
    async with bot_on_real_redis(db_path, template, prefix, clock) as app:
        started = time.monotonic()
        stats: dict[str, Any] = await deliver(app, clock, people, order, twice=twice)
        stats["seconds"] = round(time.monotonic() - started, 1)
        stats["live"] = await app.store.live_count()
        stats["pending"] = len(await app.store.pending())
    return stats


if __name__ == "__main__":
    db, template, prefix = sys.argv[1:4]
    print(json.dumps(asyncio.run(run(Path(db), Path(template), prefix, twice=False))))
