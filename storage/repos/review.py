"""The jury's review of a round: the flags found at closing, the entries set aside, approval."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import Database, write_lock
from storage.models import (
    Account,
    Attempt,
    AuditEntry,
    Participant,
    ReviewFlag,
    Round,
    SetAside,
    Winner,
)
from storage.repos.rounds import CLOSED
from storage.repos.winners import Prize


@dataclass(frozen=True, slots=True)
class Flag:
    """A flag to store: which entry, what kind, and the figures its reason shows."""

    participant_id: int
    kind: str
    detail: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Aside:
    """An entry set aside: why, by whom, when."""

    participant_id: int
    reason: str
    actor: str
    at: datetime


class FrozenError(Exception):
    """The round's results are approved (or the round is not closed): nothing may change."""


class StaleError(Exception):
    """An entry was set aside or restored since the prizes were allocated: allocate again."""


class Review:
    """Reads and writes of the jury's review."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def store_flags(self, round_code: str, flags: Sequence[Flag], now: datetime) -> bool:
        """Store a round's flags once; False if they were already stored."""
        async with self.db.session() as s:
            # The round row is locked so that two closings at once store the flags once.
            await write_lock(s)
            row = await s.get(Round, round_code, with_for_update=True)
            if row is None or row.flagged_at is not None:
                return False
            row.flagged_at = now
            s.add(row)
            for f in flags:
                s.add(
                    ReviewFlag(
                        round_code=round_code,
                        participant_id=f.participant_id,
                        kind=f.kind,
                        detail=f.detail,
                        created_at=now,
                    )
                )
            return True

    async def flags(self, round_code: str) -> dict[int, list[Flag]]:
        """A round's flags by participant id."""
        async with self.db.session() as s:
            stmt = (
                select(ReviewFlag)
                .where(ReviewFlag.round_code == round_code)
                .order_by(col(ReviewFlag.id))
            )
            out: dict[int, list[Flag]] = {}
            for r in await s.exec(stmt):
                out.setdefault(r.participant_id, []).append(
                    Flag(r.participant_id, r.kind, dict(r.detail))
                )
            return out

    async def set_aside(self, round_code: str) -> dict[int, Aside]:
        """The entries set aside in a round, by participant id."""
        async with self.db.session() as s:
            stmt = select(SetAside).where(SetAside.round_code == round_code)
            return {
                r.participant_id: Aside(r.participant_id, r.reason, r.actor, r.at)
                for r in await s.exec(stmt)
            }

    async def put_aside(
        self,
        round_code: str,
        participant_id: int,
        *,
        reason: str,
        actor: str,
        now: datetime,
    ) -> bool:
        """Set an entry aside (False: it already was); raises FrozenError once the round is
        approved (or when it is not closed)."""
        async with self.db.session() as s:
            await _unfrozen(s, round_code)
            found = select(SetAside.id).where(
                SetAside.round_code == round_code, SetAside.participant_id == participant_id
            )
            if (await s.exec(found)).first() is not None:
                return False
            s.add(
                SetAside(
                    round_code=round_code,
                    participant_id=participant_id,
                    reason=reason,
                    actor=actor,
                    at=now,
                )
            )
            _audit(s, actor, "round.set_aside", now, round_code, participant_id, reason=reason)
            return True

    async def restore(
        self,
        round_code: str,
        participant_id: int,
        *,
        actor: str,
        now: datetime,
    ) -> bool:
        """Restore an entry set aside (False: it was not); raises FrozenError once the round is
        approved (or when it is not closed)."""
        async with self.db.session() as s:
            await _unfrozen(s, round_code)
            row = (
                await s.exec(
                    select(SetAside).where(
                        SetAside.round_code == round_code, SetAside.participant_id == participant_id
                    )
                )
            ).first()
            if row is None:
                return False
            await s.delete(row)
            _audit(s, actor, "round.restore", now, round_code, participant_id)
            return True

    async def replace_winners(
        self, round_code: str, prizes: Sequence[Prize], *, asides: set[int], now: datetime
    ) -> bool:
        """Store the prizes allocated with `asides` set aside, unless the entries set aside
        changed meanwhile (False: allocate again); raises FrozenError once the round is approved."""
        async with self.db.session() as s:
            await _unfrozen(s, round_code)
            held = select(SetAside.participant_id).where(SetAside.round_code == round_code)
            if set(await s.exec(held)) != asides:
                return False
            await _replace_winners(s, round_code, prizes, now)
            return True

    async def approve(
        self, round_code: str, *, actor: str, now: datetime, asides: set[int] | None = None
    ) -> bool:
        """Approve a closed round's winners, once: False when they already were; raises
        FrozenError when the round is not closed, and StaleError when the entries set aside
        are no longer `asides`, those the winners were allocated with (when given)."""
        async with self.db.session() as s:
            await write_lock(s)
            row = await s.get(Round, round_code, with_for_update=True)
            if row is None or row.status != CLOSED:
                raise FrozenError(round_code)
            if row.approved_at is not None:
                return False
            if asides is not None:
                held = select(SetAside.participant_id).where(SetAside.round_code == round_code)
                if set(await s.exec(held)) != asides:
                    raise StaleError(round_code)
            row.approved_at, row.approved_by = now, actor
            s.add(row)
            winners = select(Winner.id).where(Winner.round_code == round_code)
            count = len(list(await s.exec(winners)))
            _audit(s, actor, "round.approve", now, round_code, None, winners=count)
            return True

    # ------------------------------------------------------------ what the flags read

    async def accounts_of(self, ids: Sequence[int]) -> dict[int, list[str]]:
        """The accounts ("channel:id") of each entry."""
        out: dict[int, list[str]] = {}
        async with self.db.session() as s:
            for chunk in _chunks(ids):
                stmt = select(Account.participant_id, Account.channel, Account.channel_user_id)
                for pid, channel, uid in await s.exec(
                    stmt.where(col(Account.participant_id).in_(chunk))
                ):
                    out.setdefault(pid, []).append(f"{channel}:{uid}")
        return out

    async def audited(self, action: str) -> list[AuditEntry]:
        """Every audit entry of one action (links and identity edits: a few per contest)."""
        async with self.db.session() as s:
            stmt = select(AuditEntry).where(AuditEntry.action == action)
            return list(await s.exec(stmt.order_by(col(AuditEntry.id))))

    async def holding_phones(self, phones: Sequence[str]) -> list[tuple[int, str]]:
        """(entry, phone) of every entry holding one of these phones now."""
        out: list[tuple[int, str]] = []
        async with self.db.session() as s:
            for chunk in _chunks(phones):
                stmt = select(Participant.id, Participant.phone).where(
                    col(Participant.phone).in_(chunk)
                )
                out += [(pid, phone) for pid, phone in await s.exec(stmt) if pid is not None]
        return out

    async def named(self, names: Sequence[str]) -> list[tuple[int, str, int]]:
        """(entry, name, year of birth) of every entry bearing one of these names."""
        out: list[tuple[int, str, int]] = []
        async with self.db.session() as s:
            for chunk in _chunks(names):
                stmt = select(Participant.id, Participant.full_name, Participant.birth_year).where(
                    col(Participant.full_name).in_(chunk), col(Participant.erased_at).is_(None)
                )
                out += [(pid, n, y) for pid, n, y in await s.exec(stmt) if pid is not None]
        return out

    async def taking_part_by(self, round_code: str, instant: datetime) -> int:
        """How many people had submitted an attempt in the round by this instant."""
        async with self.db.session() as s:
            stmt = select(func.count(func.distinct(Attempt.participant_id))).where(
                Attempt.round_code == round_code, col(Attempt.submitted_at) <= instant
            )
            return int((await s.exec(stmt)).one())


def _chunks(items: Sequence[Any], size: int = 500) -> list[Sequence[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


async def _unfrozen(s: AsyncSession, round_code: str) -> None:
    await write_lock(s)
    row = await s.get(Round, round_code, with_for_update=True)
    if row is None or row.status != CLOSED or row.approved_at is not None:
        raise FrozenError(round_code)


def _audit(
    s: AsyncSession,
    actor: str,
    action: str,
    now: datetime,
    round_code: str,
    participant_id: int | None,
    **detail: Any,
) -> None:
    said: dict[str, Any] = {"round": round_code, **detail}
    if participant_id is not None:
        said["participant"] = participant_id
    s.add(AuditEntry(at=now, actor=actor, action=action, detail=said))


async def _replace_winners(
    s: AsyncSession, round_code: str, prizes: Sequence[Prize], now: datetime
) -> None:
    """The round's winners become `prizes`. A winner who keeps a prize keeps the identity
    stored when they first won it; one who loses it is deleted."""
    stored = {
        w.participant_id: w
        for w in await s.exec(select(Winner).where(Winner.round_code == round_code))
    }
    keep = {p.participant_id for p in prizes}
    gone = [pid for pid in stored if pid not in keep]
    if gone:
        await s.exec(
            delete(Winner).where(
                col(Winner.round_code) == round_code, col(Winner.participant_id).in_(gone)
            )
        )
    for p in prizes:
        held = stored.get(p.participant_id)
        if held is not None:
            held.tier, held.rank, held.attempt_id = p.tier, p.rank, p.attempt_id
            s.add(held)
            continue
        s.add(p.row(round_code, now))
