"""Collective prizes awarded when a round closes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from storage.db import Database
from storage.models import CollectiveAward


@dataclass(frozen=True, slots=True)
class Awarded:
    """One collective prize given: to which list entry, and the figures that decided it."""

    prize: str
    rank: int
    name: str
    participants: int
    attempts: int
    headcount: int | None


class CollectiveAwards:
    """Reads and writes of collective prizes."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def store(self, round_code: str, awards: Sequence[Awarded], now: datetime) -> bool:
        """Store a round's collective prizes once; False if some were already stored."""
        async with self.db.session() as s:
            stmt = select(CollectiveAward.id).where(CollectiveAward.round_code == round_code)
            if (await s.exec(stmt.limit(1))).first() is not None:
                return False
            for a in awards:
                s.add(
                    CollectiveAward(
                        round_code=round_code,
                        prize=a.prize,
                        rank=a.rank,
                        name=a.name,
                        participants=a.participants,
                        attempts=a.attempts,
                        headcount=a.headcount,
                        created_at=now,
                    )
                )
            return True

    async def of_round(self, round_code: str) -> list[Awarded]:
        """A round's collective prizes, in the order they were stored (prize, then rank)."""
        async with self.db.session() as s:
            stmt = (
                select(CollectiveAward)
                .where(CollectiveAward.round_code == round_code)
                .order_by(col(CollectiveAward.id))
            )
            return [
                Awarded(r.prize, r.rank, r.name, r.participants, r.attempts, r.headcount)
                for r in await s.exec(stmt)
            ]
