"""A paid broadcast's budget: each message counted before it goes, in tenths of a Star (one
each, the most Telegram charges for a paid broadcast's message), handed back if it does not
go out, and ended where it stands when Telegram will not charge any more."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlmodel import col

from storage.db import Database
from storage.models import Broadcast


class BroadcastBudget:
    """Counts a paid broadcast's messages against its budget, atomically (several at once)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def take(self, broadcast_id: int) -> bool:
        """Count one more message as paid, if the budget allows; False once it is spent (the
        rest goes at the free pace) or for a free broadcast."""
        async with self.db.session() as s:
            taken = await s.exec(
                update(Broadcast)
                .where(
                    col(Broadcast.id) == broadcast_id,
                    col(Broadcast.paid_budget).is_not(None),
                    col(Broadcast.paid_sent) < col(Broadcast.paid_budget),
                )
                .values(paid_sent=col(Broadcast.paid_sent) + 1)
            )
            return bool(taken.rowcount)

    async def give_back(self, broadcast_id: int, *, no_more: bool = False) -> None:
        """A message counted as paid did not go out (Telegram charges only those sent); with
        `no_more`, Telegram refused to charge any more: the budget ends where it stands."""
        values: dict[str, Any] = {"paid_sent": col(Broadcast.paid_sent) - 1}
        if no_more:
            values["paid_budget"] = col(Broadcast.paid_sent) - 1
        async with self.db.session() as s:
            await s.exec(
                update(Broadcast)
                .where(col(Broadcast.id) == broadcast_id, col(Broadcast.paid_sent) > 0)
                .values(**values)
            )
