"""Broadcasts: one message to many, with each recipient's status kept so that a broadcast
interrupted by a crash resumes where it stopped, and a recipient that failed is tried again.

Recipients are participants' accounts, or (with no account) a chat or an organiser named by
its channel and id: the announcement chat, the organisers who get the results workbook.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.db import Database
from storage.models import Account, Broadcast, BroadcastRecipient
from storage.repos.audiences import ALL, DIRECT, PERSONAL, add_recipients, reach

PENDING, SENT, FAILED, BLOCKED, EXPIRED = "pending", "sent", "failed", "blocked", "expired"
SENDING, DONE = "sending", "done"


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
    # A paid broadcast: its budget and its messages sent paid, in tenths of a Star (0.1 each).
    paid_budget: int | None = None
    paid_sent: int = 0

    @property
    def recipients(self) -> int:
        """Everyone it was addressed to."""
        return self.sent + self.failed + self.remaining


@dataclass(frozen=True, slots=True)
class Recipient:
    """One recipient still to be messaged; `text` is their own message, if they have one.

    `account` is False for a chat or an organiser named directly; `tries`, the failed sends
    so far.
    """

    id: int
    channel: str
    channel_user_id: str
    text: str | None = None
    account: bool = True
    tries: int = 0


@dataclass(frozen=True, slots=True)
class FailedDelivery:
    """A chat or an organiser a delivery has not reached: given up on, or still being tried."""

    key: str | None
    broadcast_id: int
    channel: str
    channel_user_id: str
    status: str
    tries: int
    error: str


class Broadcasts:
    """Reads and writes of broadcasts and their recipients."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def audience_size(self, audience: str = ALL) -> int:
        """Accounts a broadcast to `audience` would reach now (not blocking the bot)."""
        async with self.db.session() as s:
            return int((await s.exec(select(func.count()).select_from(reach(audience)))).one())

    async def audience_channels(self, audience: str = ALL) -> dict[str, int]:
        """Accounts a broadcast to `audience` would reach now, by channel."""
        ids = reach(audience)
        async with self.db.session() as s:
            rows = await s.exec(
                select(Account.channel, func.count())
                .where(col(Account.id).in_(select(ids.c.id)))
                .group_by(col(Account.channel))
            )
            return {channel: int(n) for channel, n in rows.all()}

    async def create(
        self,
        text: str,
        *,
        actor: str,
        now: datetime,
        key: str | None = None,
        audience: str = ALL,
        personal: dict[int, str] | None = None,
        direct: Sequence[str] = (),
        civil_hours: bool = False,
        expires_at: datetime | None = None,
        document: str | None = None,
        paid_budget: int | None = None,
    ) -> tuple[int, int]:
        """Record a broadcast and its recipients; returns (id, recipients).

        `audience` is ALL, `in_round(code)` (who took part in a round), `absent(code)` (who
        registered but has not taken part), `in_locality(name)` or DIRECT (only the `direct`
        recipients). With `personal` ({participant id: text}) only those participants get it,
        each their own text. `direct` names further recipients that are not accounts, as user keys
        ("telegram:-1001234"); they come first. With a `key`, a second call returns the
        broadcast the first one made: scheduled jobs can run twice and announce once.
        With `paid_budget` (tenths of a Star) its Telegram messages may go out paid.
        """
        if key is not None and (found := await self.by_key(key)) is not None:
            return found
        try:
            async with self.db.session() as s:
                row = Broadcast(
                    text=text,
                    actor=actor,
                    created_at=now,
                    status=SENDING,
                    key=key,
                    audience=PERSONAL if personal is not None else audience,
                    civil_hours=civil_hours,
                    expires_at=expires_at,
                    document=document,
                    paid_budget=paid_budget,
                )
                s.add(row)
                await s.flush()
                assert row.id is not None
                await add_recipients(s, row.id, row.audience, personal, direct, status=PENDING)
                return row.id, await self._count(s, row.id)
        except IntegrityError:
            # Another process made the broadcast with this key in the meantime.
            if key is None or (found := await self.by_key(key)) is None:
                raise
            return found

    async def by_key(self, key: str) -> tuple[int, int] | None:
        """(id, recipients) of the broadcast made with this key, if there is one."""
        async with self.db.session() as s:
            found = (await s.exec(select(Broadcast.id).where(Broadcast.key == key))).first()
            if found is None:
                return None
            return found, await self._count(s, found)

    async def add_personal(
        self,
        key: str,
        *,
        channel: str,
        channel_user_id: str,
        text: str,
        actor: str,
        now: datetime,
    ) -> None:
        """Add one account with its own text to the personal broadcast with this key (made
        if needed), once; the broadcast is sending again until it has reached them."""
        broadcast_id, _ = await self.create("", actor=actor, now=now, key=key, personal={})
        async with self.db.session() as s:
            # Reopening first holds the broadcast's row, so that `finish`, which takes it
            # first too, sees this recipient if it runs at the same moment.
            await s.exec(
                update(Broadcast)
                .where(col(Broadcast.id) == broadcast_id)
                .values(status=SENDING, finished_at=None)
            )
            account = (
                await s.exec(
                    select(Account.id).where(
                        Account.channel == channel, Account.channel_user_id == channel_user_id
                    )
                )
            ).first()
            mine = [
                BroadcastRecipient.broadcast_id == broadcast_id,
                BroadcastRecipient.channel == channel,
                BroadcastRecipient.channel_user_id == channel_user_id,
            ]
            if (await s.exec(select(BroadcastRecipient.id).where(*mine))).first() is None:
                s.add(
                    BroadcastRecipient(
                        broadcast_id=broadcast_id,
                        account_id=account,
                        channel=channel,
                        channel_user_id=channel_user_id,
                        status=PENDING,
                        text=text,
                    )
                )

    @staticmethod
    async def _count(s: Any, broadcast_id: int) -> int:
        stmt = (
            select(func.count())
            .select_from(BroadcastRecipient)
            .where(BroadcastRecipient.broadcast_id == broadcast_id)
        )
        return int((await s.exec(stmt)).one())

    async def sending(self) -> list[Broadcast]:
        """Broadcasts not finished yet: those to a few named recipients (the organisers, a
        person's own message) first, then the others, oldest first."""
        few = case((col(Broadcast.audience).in_([DIRECT, PERSONAL]), 0), else_=1)
        async with self.db.session() as s:
            stmt = (
                select(Broadcast)
                .where(Broadcast.status == SENDING)
                .order_by(few, col(Broadcast.id))
            )
            return list(await s.exec(stmt))

    async def pending(
        self, broadcast_id: int, limit: int = 200, *, now: datetime | None = None
    ) -> list[Recipient]:
        """The next recipients still to be messaged (with `now`: those due by then)."""
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
            if now is not None:
                stmt = stmt.where(
                    or_(
                        col(BroadcastRecipient.next_at).is_(None),
                        col(BroadcastRecipient.next_at) <= now,
                    )
                )
            return [
                Recipient(
                    r.id,
                    r.channel,
                    r.channel_user_id,
                    r.text,
                    account=r.account_id is not None,
                    tries=r.tries,
                )
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

    async def retry_later(
        self, recipient_id: int, *, tries: int, at: datetime, now: datetime, error: str
    ) -> None:
        """A send failed: keep the recipient pending, to be tried again at `at`."""
        async with self.db.session() as s:
            await s.exec(
                update(BroadcastRecipient)
                .where(col(BroadcastRecipient.id) == recipient_id)
                .values(tries=tries, next_at=at, updated_at=now, error=error[:200])
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

    async def finish(self, broadcast_id: int, now: datetime) -> bool:
        """Mark a broadcast done, unless a recipient is still pending; True if it was."""
        async with self.db.session() as s:
            # Held first, as `add_personal` holds it: a recipient added at the same moment is
            # either seen below or added after, reopening the broadcast.
            await s.exec(
                update(Broadcast)
                .where(col(Broadcast.id) == broadcast_id)
                .values(status=col(Broadcast.status))
            )
            waiting = (
                select(BroadcastRecipient.id)
                .where(
                    BroadcastRecipient.broadcast_id == broadcast_id,
                    BroadcastRecipient.status == PENDING,
                )
                .limit(1)
            )
            if (await s.exec(waiting)).first() is not None:
                return False
            await s.exec(
                update(Broadcast)
                .where(col(Broadcast.id) == broadcast_id)
                .values(status=DONE, finished_at=now)
            )
            return True

    async def expire(self, broadcast_id: int, now: datetime) -> int:
        """Drop the recipients still pending of a broadcast past its use; returns how many."""
        async with self.db.session() as s:
            result = await s.exec(
                update(BroadcastRecipient)
                .where(
                    col(BroadcastRecipient.broadcast_id) == broadcast_id,
                    col(BroadcastRecipient.status) == PENDING,
                )
                .values(status=EXPIRED, updated_at=now)
            )
            return int(result.rowcount)

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
            paid_budget=row.paid_budget,
            paid_sent=row.paid_sent,
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

    async def failed_direct(self, *, since: datetime, limit: int = 5) -> list[FailedDelivery]:
        """Chats and organisers not reached since `since`: given up on, or failed and waiting
        to be tried again; newest first."""
        async with self.db.session() as s:
            stmt = (
                select(BroadcastRecipient, Broadcast.key)
                .join(Broadcast, col(Broadcast.id) == col(BroadcastRecipient.broadcast_id))
                .where(
                    col(BroadcastRecipient.account_id).is_(None),
                    col(BroadcastRecipient.updated_at) >= since,
                    or_(
                        col(BroadcastRecipient.status) == FAILED,
                        (col(BroadcastRecipient.status) == PENDING)
                        & (col(BroadcastRecipient.tries) > 0),
                    ),
                )
                .order_by(col(BroadcastRecipient.updated_at).desc())
                .limit(limit)
            )
            return [
                FailedDelivery(
                    key=key,
                    broadcast_id=r.broadcast_id,
                    channel=r.channel,
                    channel_user_id=r.channel_user_id,
                    status=r.status,
                    tries=r.tries,
                    error=r.error,
                )
                for r, key in await s.exec(stmt)
            ]
