"""Rounds: their windows from the contest file and their status."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import col, select

from storage.db import Database, write_lock
from storage.models import Round

SCHEDULED, OPEN, CLOSED = "scheduled", "open", "closed"


class Rounds:
    """Reads and writes of rounds."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def sync(self, planned: list[tuple[str, str, datetime, datetime]]) -> None:
        """Create or update rounds (code, name, opens, closes) from the contest file."""
        async with self.db.session() as s:
            for code, name, opens, closes in planned:
                row = await s.get(Round, code)
                if row is None:
                    row = Round(code=code, name=name, opens_at=opens, closes_at=closes)
                else:
                    row.name, row.opens_at, row.closes_at = name, opens, closes
                s.add(row)

    async def all(self) -> list[Round]:
        """Every round, in order of opening."""
        async with self.db.session() as s:
            return list(await s.exec(select(Round).order_by(col(Round.opens_at))))

    async def get(self, code: str) -> Round | None:
        """A round by code."""
        async with self.db.session() as s:
            return await s.get(Round, code)

    async def current(self) -> Round | None:
        """The open round, if any."""
        async with self.db.session() as s:
            stmt = select(Round).where(Round.status == OPEN).order_by(col(Round.opens_at))
            return (await s.exec(stmt)).first()

    async def set_open(self, code: str, now: datetime) -> bool:
        """Open a round; False when it was already open or is closed."""
        async with self.db.session() as s:
            await write_lock(s)
            row = await s.get(Round, code, with_for_update=True)
            if row is None or row.status != SCHEDULED:
                return False
            row.status, row.opened_at = OPEN, now
            s.add(row)
            return True

    async def set_closed(self, code: str, now: datetime, actual_figure: int) -> bool:
        """Close a round and record the prediction's actual figure; False if already closed."""
        async with self.db.session() as s:
            await write_lock(s)
            row = await s.get(Round, code, with_for_update=True)
            if row is None or row.status == CLOSED:
                return False
            row.status, row.closed_at, row.actual_figure = CLOSED, now, actual_figure
            s.add(row)
            return True
