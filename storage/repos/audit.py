"""The audit log of organiser actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import col, select

from storage.db import Database
from storage.models import AuditEntry


class Audit:
    """Append and read organiser actions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, *, actor: str, action: str, at: datetime, **detail: Any) -> None:
        """Append one action."""
        async with self.db.session() as s:
            s.add(AuditEntry(at=at, actor=actor, action=action, detail=detail))

    async def has(self, action: str) -> bool:
        """Whether an action was ever recorded (marks one-off deliveries as done)."""
        async with self.db.session() as s:
            stmt = select(AuditEntry.id).where(AuditEntry.action == action).limit(1)
            return (await s.exec(stmt)).first() is not None

    async def recent(
        self, limit: int = 50, *, action: str = "", actor: str = ""
    ) -> list[AuditEntry]:
        """The latest actions, newest first; only those whose action starts with `action`
        and, given an `actor`, only theirs."""
        async with self.db.session() as s:
            stmt = select(AuditEntry).order_by(col(AuditEntry.id).desc()).limit(limit)
            if action:
                stmt = stmt.where(col(AuditEntry.action).startswith(action, autoescape=True))
            if actor:
                stmt = stmt.where(AuditEntry.actor == actor)
            return list(await s.exec(stmt))

    async def actors_and_actions(self) -> tuple[list[str], list[str]]:
        """Every actor and every action recorded, sorted (the audit page's filters)."""
        async with self.db.session() as s:
            actors = await s.exec(select(AuditEntry.actor).distinct())
            actions = await s.exec(select(AuditEntry.action).distinct())
            return sorted(actors), sorted(actions)
