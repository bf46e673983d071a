"""The demo contest: simulated participants take a round through the real engine.

Everything runs in this process on the embedded defaults (a fresh SQLite file and the
in-process session store) with a settable clock, so a whole quarter passes in seconds.
The participants, their phones and their answers are simulated and say so.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bot.app import App, open_app
from bot.clock import ManualClock
from bot.config import Settings
from handlers.contest import load_contest
from handlers.events import Choice, Command, Contact, Message, Reply, Text, User
from handlers.reports import results_workbook
from handlers.rounds import RoundResults, close_round, open_round
from handlers.texts import plain
from questions.model import LETTERS, Question

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Vũ",
    "Đinh",
    "Bùi",
    "Đỗ",
    "Ngô",
    "Đặng",
    "Dương",
]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Hữu", "Ngọc", "Quang", "Thanh", "Xuân", "Hồng"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hoa",
    "Hùng",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Nam",
    "Nga",
    "Phong",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Tuấn",
    "Yến",
]
UNITS = [
    "Sở Thông tin và Truyền thông",
    "UBND huyện Hoa Lư",
    "Trường THPT Kim Sơn A",
    "Bệnh viện Đa khoa tỉnh",
    "Kho bạc Nhà nước tỉnh",
    "UBND xã Gia Sinh",
    "Trung tâm Văn hóa Thể thao và Truyền thanh huyện Yên Mô",
    "Người dân",
    "Người dân",
]


QUESTION_HEADING = re.compile(r"Câu \d+/\d+")


@dataclass
class Simulated:
    """One simulated participant and how they behave."""

    user: User
    name: str
    phone: str
    birth: int
    locality: int
    unit: str
    accuracy: float
    seconds_per_question: float
    guess: int
    days: list[int]
    abandons: bool = False
    registered: bool = False


@dataclass
class DemoReport:
    """What the demo did and where it wrote the results."""

    participants: int
    attempts: int
    auto_submitted: int
    refused: int
    results: RoundResults
    xlsx: Path
    wall_seconds: float
    excluded_name: str = ""
    notes: list[str] = field(default_factory=list)


def _people(rng: random.Random, count: int, localities: int, days: int) -> list[Simulated]:
    people = []
    phones: set[str] = set()
    for i in range(count):
        while True:
            phone = f"09{rng.randrange(10**8):08d}"
            if phone not in phones:
                phones.add(phone)
                break
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        attempts = rng.choices([1, 2, 3, 4], weights=[55, 25, 12, 8])[0]
        people.append(
            Simulated(
                user=User("demo", f"u{i + 1}", name),
                name=name,
                phone=phone,
                birth=rng.randint(1960, 2006),
                locality=rng.randrange(localities),
                unit=rng.choice(UNITS),
                accuracy=rng.betavariate(5, 2),
                seconds_per_question=rng.uniform(5, 50),
                guess=rng.randint(max(count // 3, 1), count * 3),
                days=sorted(rng.sample(range(days), min(attempts, days))),
                abandons=rng.random() < 0.04,
            )
        )
    return people


class _Driver:
    """Plays simulated participants against the engine, reading what it replies."""

    def __init__(self, app: App, clock: ManualClock, rng: random.Random) -> None:
        self.app = app
        self.clock = clock
        self.rng = rng
        self.by_text: dict[str, Question] = {}

    async def load_bank(self) -> None:
        self.by_text = {q.text: q for _, q in await self.app.svc.pool.active()}

    async def send(self, event: Command | Text | Choice | Contact) -> list[Message]:
        replies: list[Reply] = await self.app.engine.handle(event)
        return [r for r in replies if isinstance(r, Message)]

    async def register(self, p: Simulated) -> None:
        u = p.user
        await self.send(Command(u, "start", "demo"))
        await self.send(Command(u, "dangky"))
        await self.send(Text(u, p.name))
        await self.send(Contact(u, p.phone))
        await self.send(Text(u, str(p.birth)))
        await self.send(Choice(u, f"r:loc:{p.locality}"))
        if p.unit == "Người dân":
            await self.send(Choice(u, "r:unit:resident"))
        else:
            await self.send(Text(u, p.unit))
        await self.send(Choice(u, "r:consent:yes"))
        done = await self.send(Choice(u, "r:confirm"))
        if not any("thành công" in m.text for m in done):
            raise RuntimeError(f"registration of {p.user.id} failed: {[m.text for m in done]}")
        p.registered = True

    def _pick(self, m: Message) -> str:
        """The token a participant taps, knowing the bank and their own accuracy."""
        body = plain(m.text).split("\n\n")
        # A line may come first (the answer just recorded, the attempt's intro): the question
        # follows its "Câu n/N" heading, then the options.
        head = next(i for i, block in enumerate(body) if QUESTION_HEADING.match(block))
        question = body[head + 1].strip()
        options = {
            line[0]: line[3:].strip() for line in body[head + 2].splitlines() if line[1:3] == ". "
        }
        q = self.by_text[question]
        right = next(letter for letter, o in options.items() if o == q.options[q.correct])
        letter = right
        if self.rng.random() > self._accuracy:
            letter = self.rng.choice([x for x in options if x != right])
        buttons = {b.label: b.token for row in m.buttons for b in row}
        return buttons[letter]

    async def attempt(self, p: Simulated) -> str:
        """One attempt: 'submitted', 'auto' (time ran out or abandoned) or 'refused'."""
        self._accuracy = p.accuracy
        replies = await self.send(Command(p.user, "thi"))
        question = next(
            (m for m in replies if m.buttons and m.buttons[0][0].label in LETTERS), None
        )
        if question is None:
            return "refused"
        abandon_at = self.rng.randrange(2, 9) if p.abandons else None
        for index in range(self.app.contest.rules.questions_per_attempt):
            if abandon_at is not None and index == abandon_at:
                return "auto"
            self.clock.advance(seconds=max(2.0, self.rng.gauss(p.seconds_per_question, 5)))
            replies = await self.send(Choice(p.user, self._pick(question), ref=f"q{index}"))
            if any("Hết giờ" in m.text for m in replies):
                return "auto"
            nxt = [m for m in replies if m.buttons]
            if nxt:
                question = nxt[-1]
        self.clock.advance(seconds=self.rng.uniform(5, 25))
        replies = await self.send(Text(p.user, str(p.guess)))
        if any("Hết giờ" in m.text for m in replies):
            return "auto"
        if not any("Số câu đúng" in m.text for m in replies):
            raise RuntimeError(f"no result for {p.user.id}: {[m.text for m in replies]}")
        return "submitted"


def _fresh_database(out_dir: Path) -> Path:
    """The demo's own SQLite file, emptied so every run starts from nothing."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for stale in out_dir.glob("demo.db*"):
        stale.unlink()
    return out_dir / "demo.db"


async def run_demo(
    *,
    participants: int,
    round_code: str,
    out_dir: Path,
    contest_file: Path,
    seed: int = 2023,
    progress: Callable[[str, int, int], None] | None = None,
) -> DemoReport:
    """Run one simulated round from opening to winners, writing the results workbook."""
    started = time.perf_counter()
    db_file = _fresh_database(out_dir)
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{db_file}",
        redis_url=None,
        contest_file=contest_file,
        _env_file=None,
    )
    rng = random.Random(seed)
    report_progress = progress or (lambda _step, _done, _total: None)
    contest = load_contest(contest_file)
    opens, closes = contest.window(round_code)
    clock = ManualClock(opens - timedelta(hours=1))
    days = (closes - opens).days + 1
    people = _people(rng, participants, len(contest.localities), days)
    # One simulated participant sits on the secretariat: they take part but cannot win.
    insider = max(people, key=lambda p: p.accuracy)
    insider.accuracy = 1.0
    contest = contest.model_copy(update={"excluded_phones": ["+84" + insider.phone[1:]]})
    async with open_app(settings, clock=clock, rng=rng) as app:
        app.svc.contest = contest
        app.contest = contest
        driver = _Driver(app, clock, rng)
        await driver.load_bank()
        clock.set(opens)
        await open_round(app.svc, round_code, actor="demo")
        schedule = sorted(
            (opens + timedelta(days=day, hours=rng.uniform(6, 22)), i)
            for i, p in enumerate(people)
            for day in p.days
        )
        counts = {"submitted": 0, "auto": 0, "refused": 0}
        for done, (when, i) in enumerate(schedule, start=1):
            if when > clock.now():
                clock.set(when)
                await app.engine.sweep()
            p = people[i]
            if not p.registered:
                await driver.register(p)
            counts[await driver.attempt(p)] += 1
            report_progress("attempts", done, len(schedule))
        clock.set(closes + timedelta(seconds=1))
        await app.engine.sweep()
        results = await close_round(app.svc, round_code, actor="demo")
        xlsx = out_dir / f"results-{round_code}.xlsx"
        xlsx.write_bytes(await results_workbook(app.svc, results))
    return DemoReport(
        participants=participants,
        attempts=counts["submitted"] + counts["auto"],
        auto_submitted=counts["auto"],
        refused=counts["refused"],
        results=results,
        xlsx=xlsx,
        wall_seconds=time.perf_counter() - started,
        excluded_name=insider.name,
    )
