"""What handlers are given: the contest, the clock, the stores; passed in once, never global."""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from handlers.contest import ContestConfig
from handlers.texts import Raw, Texts
from questions.model import Question
from storage.db import Database
from storage.erasure_store import ErasureStore
from storage.identity_store import IdentityStore
from storage.practice_store import PracticeStore
from storage.repos import Attempts, Audit, Participants, Questions, Rounds, Winners
from storage.repos.broadcast_budget import BroadcastBudget
from storage.repos.broadcasts import Broadcasts
from storage.repos.collective import CollectiveAwards
from storage.repos.erasure import Erasure
from storage.repos.identities import Identities
from storage.repos.personal import PersonalData
from storage.repos.review import Review
from storage.session import SessionStore


class Clock(Protocol):
    """The one source of the current time."""

    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...


class QuestionPool:
    """The questions in memory: the active bank, and any question a live attempt still uses."""

    def __init__(self, repo: Questions) -> None:
        self.repo = repo
        self._signature: tuple[str, int, int] | None = None
        self._active: list[tuple[int, Question]] = []
        self._by_id: dict[int, Question] = {}
        # The rounds' own banks (contest.yaml rounds[].bank): (signature, questions) by name.
        self._banks: dict[str, tuple[tuple[int, int] | None, list[tuple[int, Question]]]] = {}
        # What handlers render of a question shown in one option order (see quiz.rendered),
        # kept as long as the question itself.
        self.rendered: dict[tuple[int, tuple[int, ...]], tuple[Raw, Raw]] = {}

    async def active(self) -> list[tuple[int, Question]]:
        """The active bank, reloaded when an import has replaced it."""
        signature = await self.repo.active_bank()
        if signature != self._signature:
            self._active = await self.repo.active() if signature else []
            self._by_id.update(self._active)
            self._signature = signature
        return self._active

    async def of_bank(self, bank: str) -> list[tuple[int, Question]]:
        """A round's own bank (its latest import), reloaded when it has been imported again."""
        signature = await self.repo.round_bank_signature(bank)
        cached = self._banks.get(bank)
        if cached is None or cached[0] != signature:
            items = await self.repo.round_bank(bank) if signature else []
            self._by_id.update(items)
            cached = self._banks[bank] = (signature, items)
        return cached[1]

    async def for_round(self, bank: str) -> list[tuple[int, Question]]:
        """What a round draws from: its own bank when contest.yaml names one, else the active
        bank."""
        return await self.of_bank(bank) if bank else await self.active()

    def remember(self, items: list[tuple[int, Question]]) -> None:
        """Keep questions known by id (practice questions outside the active bank)."""
        self._by_id.update(items)

    async def get_many(self, ids: list[int]) -> dict[int, Question]:
        """Questions by id, loading those not in memory."""
        missing = [i for i in ids if i not in self._by_id]
        if missing:
            self._by_id.update(await self.repo.by_ids(missing))
        return {i: self._by_id[i] for i in ids if i in self._by_id}


@dataclass
class Sending:
    """How fast broadcasts go (messages a second per channel), and Telegram's paid
    broadcasts as the settings allow them (TELEGRAM_PAID_BROADCAST and the two after it)."""

    rates: dict[str, float] = field(default_factory=lambda: {"telegram": 25.0, "zalo": 5.0})
    paid: bool = False
    paid_rate: float = 250.0
    paid_budget_stars: int = 1000
    # The bot's Stars balance as Telegram tells it (getMyStarBalance), once the bot runs.
    star_balance: Callable[[], Awaitable[float]] | None = None


@dataclass
class Services:
    """Everything a handler may use."""

    contest: ContestConfig
    clock: Clock
    store: SessionStore
    db: Database
    texts: Texts = field(default_factory=Texts)
    rng: random.Random = field(default_factory=random.SystemRandom)
    admins: frozenset[str] = frozenset()
    # Where people reach the web server (PUBLIC_BASE_URL): links the bot gives start with it.
    public_url: str = ""
    # Chats where openings and results are also posted, as user keys ("telegram:-100123").
    announce_to: frozenset[str] = frozenset()
    # Where results files too large for a chat are kept on the server (RESULTS_DIR).
    results_dir: Path = Path("data/results")
    sending: Sending = field(default_factory=Sending)

    def __post_init__(self) -> None:
        self.participants = Participants(self.db)
        self.rounds = Rounds(self.db)
        self.questions = Questions(self.db)
        self.attempts = Attempts(self.db)
        self.winners = Winners(self.db)
        self.collective = CollectiveAwards(self.db)
        self.review = Review(self.db)
        self.audit = Audit(self.db)
        self.broadcasts = Broadcasts(self.db)
        self.broadcast_budget = BroadcastBudget(self.db)
        self.identities = Identities(self.db)
        self.identity_store = IdentityStore(self.store.redis, self.store.keys)
        self.personal = PersonalData(self.db)
        self.erasure = Erasure(self.db)
        self.erasure_store = ErasureStore(self.store.redis, self.store.keys)
        self.pool = QuestionPool(self.questions)
        self.practice = PracticeStore(self.store.redis, self.store.keys)
        # The practice questions, by what they were drawn from (handlers.practice_pool).
        self.practice_pools: dict[object, list[tuple[int, Question]]] = {}

    def now_ms(self) -> int:
        """The current instant in epoch milliseconds (how live attempts keep time)."""
        return int(self.clock.now().timestamp() * 1000)
