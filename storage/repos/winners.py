"""Prizes awarded when a round closes."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from storage.db import Database
from storage.models import Winner


class Winners:
    """Reads and writes of winners."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def store(
        self, round_code: str, awards: list[tuple[int, str, int, int]], now: datetime
    ) -> bool:
        """Store (participant id, tier, rank, attempt id) awards once; False if already stored."""
        async with self.db.session() as s:
            existing = (
                await s.exec(select(Winner.id).where(Winner.round_code == round_code).limit(1))
            ).first()
            if existing is not None:
                return False
            for participant_id, tier, rank, attempt_id in awards:
                s.add(
                    Winner(
                        round_code=round_code,
                        participant_id=participant_id,
                        tier=tier,
                        rank=rank,
                        attempt_id=attempt_id,
                        created_at=now,
                    )
                )
            return True

    async def of_round(self, round_code: str) -> list[Winner]:
        """The winners of a round, by rank."""
        async with self.db.session() as s:
            stmt = select(Winner).where(Winner.round_code == round_code).order_by(col(Winner.rank))
            return list(await s.exec(stmt))
