"""Prizes awarded when a round closes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from storage.db import Database
from storage.models import Winner


@dataclass(frozen=True, slots=True)
class Prize:
    """A prize to store, with the winner as they are when the round closes."""

    participant_id: int
    tier: str
    rank: int
    attempt_id: int
    full_name: str
    phone: str
    birth_year: int
    locality: str
    unit: str

    def row(self, round_code: str, now: datetime) -> Winner:
        """The stored row of this prize of `round_code`, stored at `now`."""
        return Winner(
            round_code=round_code,
            participant_id=self.participant_id,
            tier=self.tier,
            rank=self.rank,
            attempt_id=self.attempt_id,
            created_at=now,
            full_name=self.full_name,
            phone=self.phone,
            birth_year=self.birth_year,
            locality=self.locality,
            unit=self.unit,
        )


class Winners:
    """Reads and writes of winners."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def store(self, round_code: str, prizes: list[Prize], now: datetime) -> bool:
        """Store a round's prizes once; False if they were already stored."""
        async with self.db.session() as s:
            existing = (
                await s.exec(select(Winner.id).where(Winner.round_code == round_code).limit(1))
            ).first()
            if existing is not None:
                return False
            for p in prizes:
                s.add(p.row(round_code, now))
            return True

    async def of_round(self, round_code: str) -> list[Winner]:
        """The winners of a round, by rank."""
        async with self.db.session() as s:
            stmt = select(Winner).where(Winner.round_code == round_code).order_by(col(Winner.rank))
            return list(await s.exec(stmt))
