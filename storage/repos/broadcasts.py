"""Broadcasts: one message to every registered account, with each recipient's status kept
so that a broadcast interrupted by a crash resumes where it stopped."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, literal, update
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from storage.db import Database
from storage.models import Account, Attempt, Broadcast, BroadcastRecipient, Participant

PENDING, SENT, FAILED, BLOCKED = "pending", "sent", "failed", "blocked"
SENDING, DONE = "sending", "done"
ALL = "all"


def in_round(code: str) -> str:
    """The audience of everyone who took part in a round."""
    return f"round:{code}"


def absent(code: str) -> str:
    """The audience of everyone registered who has not taken part in a round yet."""
    return f"absent:{code}"


def in_locality(name: str) -> str:
    """The audience of everyone registered in one locality (commune/ward)."""
    return f"locality:{name}"


def _audience(accounts: Any, audience: str) -> Any:
    kind, _, code = audience.partition(":")
    if kind == "locality":
        there = sa_select(col(Participant.id)).where(col(Participant.locality) == code)
        return accounts.where(col(Account.participant_id).in_(there))
    took_part = sa_select(col(Attempt.participant_id)).where(col(Attempt.round_code) == code)
    if kind == "round":
        return accounts.where(col(Account.participant_id).in_(took_part))
    if kind == "absent":
        return accounts.where(col(Account.participant_id).not_in(took_part))
    if audience != ALL:
        raise ValueError(f"unknown audience {audience!r}")
    return accounts


@dataclass(frozen=True, slots=True)
class BroadcastStatus:
    """How far a broadcast has got, and what it was (its text, its key if scheduled, to whom)."""

    id: int
    status: str
    sent: int
    failed: int
    remaining: int
    key: str | None = None
    audience: str = ALL
    text: str = ""

    @property
    def recipients(self) -> int:
        """Everyone it was addressed to."""
        return self.sent + self.failed + self.remaining


@dataclass(frozen=True, slots=True)
class Recipient:
    """One account still to be messaged; `text` is their own message, if they have one."""

    id: int
    channel: str
    channel_user_id: str
    text: str | None = None


class Broadcasts:
    """Reads and writes of broadcasts and their recipients."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def audience_size(self, audience: str = ALL) -> int:
        """Accounts a broadcast to `audience` would reach now (not blocking the bot)."""
        async with self.db.session() as s:
            reachable = sa_select(col(Account.id)).where(col(Account.blocked_at).is_(None))
            stmt = select(func.count()).select_from(_audience(reachable, audience).subquery())
            return int((await s.exec(stmt)).one())

    async def create(
        self,
        text: str,
        *,
        actor: str,
        now: datetime,
        key: str | None = None,
        audience: str = ALL,
        personal: dict[int, str] | None = None,
    ) -> tuple[int, int]:
        """Record a broadcast and its recipients; returns (id, recipients).

        `audience` is ALL, `in_round(code)` (who took part in a round) or `absent(code)` (who
        registered but has not taken part). With `personal` ({participant id: text}) only those
        participants get it, each their own text. With a `key`, a second call returns the
        broadcast the first one made: scheduled jobs can run twice and announce once.
        """
        async with self.db.session() as s:
            if key is not None:
                found = (await s.exec(select(Broadcast).where(Broadcast.key == key))).first()
                if found is not None and found.id is not None:
                    return found.id, await self._count(s, found.id)
            row = Broadcast(
                text=text,
                actor=actor,
                created_at=now,
                status=SENDING,
                key=key,
                # The label of who it went to; the recipients themselves are stored below.
                audience="personal" if personal is not None else audience[:40],
            )
            s.add(row)
            await s.flush()
            assert row.id is not None
            accounts = sa_select(
                literal(row.id),
                col(Account.id),
                col(Account.channel),
                col(Account.channel_user_id),
                literal(PENDING),
            ).where(col(Account.blocked_at).is_(None))
            columns = ["broadcast_id", "account_id", "channel", "channel_user_id", "status"]
            if personal is not None:
                for participant_id, own_text in personal.items():
                    mine = accounts.where(col(Account.participant_id) == participant_id)
                    await s.exec(
                        insert(BroadcastRecipient).from_select(
                            [*columns, "text"], mine.add_columns(literal(own_text))
                        )
                    )
            else:
                await s.exec(
                    insert(BroadcastRecipient).from_select(columns, _audience(accounts, audience))
                )
            return row.id, await self._count(s, row.id)

    @staticmethod
    async def _count(s: Any, broadcast_id: int) -> int:
        stmt = (
            select(func.count())
            .select_from(BroadcastRecipient)
            .where(BroadcastRecipient.broadcast_id == broadcast_id)
        )
        return int((await s.exec(stmt)).one())

    async def sending(self) -> list[Broadcast]:
        """Broadcasts not finished yet, oldest first."""
        async with self.db.session() as s:
            stmt = select(Broadcast).where(Broadcast.status == SENDING).order_by(col(Broadcast.id))
            return list(await s.exec(stmt))

    async def pending(self, broadcast_id: int, limit: int = 200) -> list[Recipient]:
        """The next recipients still to be messaged."""
        async with self.db.session() as s:
            stmt = (
                select(BroadcastRecipient)
                .where(
                    BroadcastRecipient.broadcast_id == broadcast_id,
                    BroadcastRecipient.status == PENDING,
                )
                .order_by(col(BroadcastRecipient.id))
                .limit(limit)
            )
            return [
                Recipient(r.id, r.channel, r.channel_user_id, r.text)
                for r in await s.exec(stmt)
                if r.id is not None
            ]

    async def mark(self, recipient_id: int, status: str, now: datetime, error: str = "") -> None:
        """Record what happened to one recipient."""
        async with self.db.session() as s:
            await s.exec(
                update(BroadcastRecipient)
                .where(col(BroadcastRecipient.id) == recipient_id)
                .values(status=status, updated_at=now, error=error[:200])
            )

    async def mark_blocked(self, channel: str, channel_user_id: str, now: datetime) -> None:
        """The account blocked the bot: skip it in later broadcasts."""
        await self._set_blocked(channel, channel_user_id, now)

    async def unblock(self, channel: str, channel_user_id: str) -> None:
        """The account writes to the bot again: include it in broadcasts again."""
        await self._set_blocked(channel, channel_user_id, None)

    async def _set_blocked(self, channel: str, channel_user_id: str, at: datetime | None) -> None:
        async with self.db.session() as s:
            await s.exec(
                update(Account)
                .where(
                    col(Account.channel) == channel, col(Account.channel_user_id) == channel_user_id
                )
                .values(blocked_at=at)
            )

    async def finish(self, broadcast_id: int, now: datetime) -> None:
        """Mark a broadcast done."""
        async with self.db.session() as s:
            await s.exec(
                update(Broadcast)
                .where(col(Broadcast.id) == broadcast_id)
                .values(status=DONE, finished_at=now)
            )

    async def status(self, broadcast_id: int) -> BroadcastStatus:
        """Sent, failed and remaining counts of one broadcast."""
        async with self.db.session() as s:
            row = await s.get(Broadcast, broadcast_id)
            if row is None:
                raise KeyError(broadcast_id)
            counts = dict(
                (
                    await s.exec(
                        select(BroadcastRecipient.status, func.count())
                        .where(BroadcastRecipient.broadcast_id == broadcast_id)
                        .group_by(col(BroadcastRecipient.status))
                    )
                ).all()
            )
        return BroadcastStatus(
            id=broadcast_id,
            status=row.status,
            sent=counts.get(SENT, 0),
            failed=counts.get(FAILED, 0) + counts.get(BLOCKED, 0),
            remaining=counts.get(PENDING, 0),
            key=row.key,
            audience=row.audience,
            text=row.text,
        )

    async def history(self, limit: int = 20) -> list[tuple[Broadcast, BroadcastStatus]]:
        """The latest broadcasts with their text and progress, newest first."""
        async with self.db.session() as s:
            stmt = select(Broadcast).order_by(col(Broadcast.id).desc()).limit(limit)
            rows = [b for b in await s.exec(stmt) if b.id is not None]
        return [(b, await self.status(b.id)) for b in rows if b.id is not None]

    async def recent(self, limit: int = 3) -> list[BroadcastStatus]:
        """The latest broadcasts with their progress, newest first."""
        async with self.db.session() as s:
            ids = list(
                await s.exec(select(Broadcast.id).order_by(col(Broadcast.id).desc()).limit(limit))
            )
        return [await self.status(i) for i in ids if i is not None]
