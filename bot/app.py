"""Assembling the bot: settings -> contest, database, session store, services, engine."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.clock import SystemClock
from bot.config import Settings
from bot.engine import Engine
from handlers.contest import ContestConfig, load_contest
from handlers.context import Clock, Sending, Services
from handlers.rounds import sync_rounds
from questions import load_bank
from storage.db import Database
from storage.session import SessionStore, connect_redis

log = logging.getLogger(__name__)


@dataclass
class App:
    """A running bot's parts."""

    settings: Settings
    contest: ContestConfig
    db: Database
    store: SessionStore
    svc: Services
    engine: Engine


async def ensure_bank(svc: Services, contest_file: Path) -> None:
    """Load the contest's question bank when the database has no active bank yet."""
    if await svc.questions.active_bank() is not None or not svc.contest.question_bank:
        return
    path = Path(svc.contest.question_bank)
    if not path.is_absolute():
        path = contest_file.parent / path
    bank = load_bank(path)
    count = await svc.questions.replace_active(
        bank.name, bank.questions, svc.clock.now(), bank.images
    )
    await svc.audit.record(
        actor="system",
        action="questions.import",
        at=svc.clock.now(),
        bank=bank.name,
        count=count,
        file=path.name,
    )
    log.info("loaded question bank %s (%d questions)", bank.name, count)


@asynccontextmanager
async def open_app(
    settings: Settings, *, clock: Clock | None = None, rng: random.Random | None = None
) -> AsyncIterator[App]:
    """Open everything a bot process needs and close it afterwards."""
    contest = load_contest(settings.contest_file)
    db = await Database.open(settings.database_url)
    redis = connect_redis(settings.redis_url)
    try:
        store = SessionStore(redis, settings.redis_prefix)
        svc = Services(
            contest=contest,
            clock=clock or SystemClock(),
            store=store,
            db=db,
            rng=rng or random.SystemRandom(),
            admins=settings.admin_keys(),
            public_url=settings.public_url(),
            announce_to=settings.announce_keys(),
            results_dir=settings.results_dir,
            sending=Sending(
                rates={
                    "telegram": settings.telegram_broadcast_rate,
                    "zalo": settings.zalo_broadcast_rate,
                },
                paid=settings.telegram_paid_broadcast,
                paid_rate=settings.telegram_paid_broadcast_rate,
                paid_budget_stars=settings.telegram_paid_broadcast_stars_budget,
            ),
        )
        await sync_rounds(svc)
        await ensure_bank(svc, settings.contest_file)
        yield App(settings, contest, db, store, svc, Engine(svc))
    finally:
        await redis.aclose()
        await db.close()
