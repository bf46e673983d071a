"""Erasing entries: at a participant's request, or for everyone when the contest's retention
time has run out.

An entry that left nothing others depend on is deleted. One that did is anonymised: its
attempts in closed rounds stay under a nameless entry, so the ranking of those rounds keeps
its line and nobody else's rank changes, and the prizes stored at closing keep the winner as
they were then (the prize accounts need them). Name, phone, year of birth, where the person
came from, every phone held, every account and its deliveries go; so do attempts in rounds
not closed yet. The locality and unit stay on an anonymised entry: the participation figures
of closed rounds count by them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import Database
from storage.models import (
    Account,
    Attempt,
    AttemptAnswer,
    AuditEntry,
    BroadcastRecipient,
    Participant,
    ParticipantPhone,
    Round,
    Winner,
)
from storage.repos.identity_steps import SYSTEM, audit
from storage.repos.rounds import CLOSED

# What an anonymised entry's name and phone are: a registered entry always has both (a name
# of two words at least, a normalised phone), so empty ones mean anonymised.
ANONYMOUS = ""
# What replaces personal values in the audit log (an organiser's correction, its reason).
SCRUBBED = "(đã xoá)"
# The audit entries that can hold what someone typed about an entry.
_SCRUBBED_ACTIONS = (
    "participant.edit",
    "participant.hold",
    "participant.release",
    "certificate.revoke",
)
# Entries erased per transaction when the retention time runs out.
CHUNK = 500

REQUEST, RETENTION = "request", "retention"


@dataclass(slots=True)
class Erased:
    """What an erasure did."""

    entries: int = 0  # entries erased
    deleted: int = 0  # of which deleted outright (nothing depended on them)
    accounts: int = 0
    phones: int = 0  # phone history rows
    attempts: int = 0  # attempts deleted (rounds not closed)
    kept_attempts: int = 0  # attempts kept under anonymised entries (closed rounds)
    prizes: int = 0  # stored prizes kept, with the winner as they were at closing
    user_keys: list[str] = field(default_factory=list)  # "telegram:123" of the accounts

    def add(self, other: Erased) -> None:
        """Count another chunk in (its accounts' keys are the chunk's own business)."""
        for name in ("entries", "deleted", "accounts", "phones", "attempts", "kept_attempts"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.prizes += other.prizes


def _open_attempts(ids: Sequence[int]) -> Any:
    """The attempts of these entries in rounds not closed yet."""
    not_closed = select(Round.code).where(Round.status != CLOSED)
    return select(Attempt.id).where(
        col(Attempt.participant_id).in_(ids), col(Attempt.round_code).in_(not_closed)
    )


async def _count(s: AsyncSession, stmt: Any) -> int:
    return int((await s.exec(select(func.count()).select_from(stmt.subquery()))).one())


async def erase_in(
    s: AsyncSession, ids: Sequence[int], *, now: datetime, by: str, dry_run: bool = False
) -> Erased:
    """Erase these entries in the caller's transaction (see the module's doc); with `dry_run`
    only count what would go."""
    out = Erased(entries=len(ids))
    accounts = list(
        await s.exec(
            select(Account.id, Account.channel, Account.channel_user_id).where(
                col(Account.participant_id).in_(ids)
            )
        )
    )
    out.accounts = len(accounts)
    out.user_keys = [f"{channel}:{uid}" for _, channel, uid in accounts]
    phones = select(ParticipantPhone.id).where(col(ParticipantPhone.participant_id).in_(ids))
    out.phones = await _count(s, phones)
    out.attempts = await _count(s, _open_attempts(ids))
    attempted = select(Attempt.participant_id).where(
        col(Attempt.participant_id).in_(ids), col(Attempt.id).not_in(_open_attempts(ids))
    )
    won = select(Winner.participant_id).where(col(Winner.participant_id).in_(ids))
    kept = set(await s.exec(attempted.distinct())) | set(await s.exec(won.distinct()))
    out.deleted = len(ids) - len(kept)
    out.kept_attempts = await _count(s, attempted)
    out.prizes = await _count(s, select(Winner.id).where(col(Winner.participant_id).in_(ids)))
    if dry_run:
        return out
    account_ids = [a for a, _, _ in accounts]
    if account_ids:
        await s.exec(
            delete(BroadcastRecipient).where(col(BroadcastRecipient.account_id).in_(account_ids))
        )
        await s.exec(delete(Account).where(col(Account.id).in_(account_ids)))
    await s.exec(delete(ParticipantPhone).where(col(ParticipantPhone.participant_id).in_(ids)))
    opened = _open_attempts(ids)
    await s.exec(delete(AttemptAnswer).where(col(AttemptAnswer.attempt_id).in_(opened)))
    await s.exec(delete(Attempt).where(col(Attempt.id).in_(opened)))
    if kept:
        values: dict[str, Any] = {
            "full_name": ANONYMOUS,
            "phone": ANONYMOUS,
            "phone_verified": False,
            "birth_year": 0,
            "source": "",
            "consent_version": "",
            "updated_at": now,
            "erased_at": now,
        }
        if by == REQUEST:
            values["consent_withdrawn_at"] = now
        await s.exec(update(Participant).where(col(Participant.id).in_(kept)).values(**values))
    gone = [i for i in ids if i not in kept]
    if gone:
        await s.exec(delete(Participant).where(col(Participant.id).in_(gone)))
    await _scrub_audit(s, ids)
    return out


async def _scrub_audit(s: AsyncSession, ids: Collection[int]) -> None:
    """Take personal values out of the audit entries about these entries: the values an
    organiser changed and the reasons typed stay as the fact of a change; the account that
    linked itself is no longer named."""
    about = col(AuditEntry.detail)["participant"].as_integer()
    stmt = select(AuditEntry).where(
        col(AuditEntry.action).in_((*_SCRUBBED_ACTIONS, "participant.link")),
        about.in_(list(ids)),
    )
    for entry in await s.exec(stmt):
        detail = dict(entry.detail)
        if "changes" in detail:
            detail["changes"] = {name: [SCRUBBED, SCRUBBED] for name in detail["changes"]}
        for typed in ("reason", "note"):
            if typed in detail:
                detail[typed] = SCRUBBED
        entry.detail = detail
        if entry.action == "participant.link":
            entry.actor = SYSTEM
        s.add(entry)


class Erasure:
    """Erasing one entry at its request, or every entry left when retention ends."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def erase(self, participant_id: int, *, now: datetime) -> Erased | None:
        """Erase an entry at its own request (consent withdrawn); None if there is none."""
        async with self.db.session() as s:
            person = await s.get(Participant, participant_id)
            if person is None or person.erased_at is not None:
                return None
            out = await erase_in(s, [participant_id], now=now, by=REQUEST)
            audit(
                s,
                actor=SYSTEM,
                action="participant.erase",
                at=now,
                participant=participant_id,
                by=REQUEST,
                deleted=out.deleted == 1,
                prizes_kept=out.prizes,
            )
            return out

    async def remaining(self) -> int:
        """Entries not anonymised yet."""
        async with self.db.session() as s:
            stmt = select(func.count()).where(col(Participant.erased_at).is_(None))
            return int((await s.exec(stmt)).one())

    async def erase_everyone(
        self,
        *,
        now: datetime,
        dry_run: bool = False,
        chunk: int = CHUNK,
        on_chunk: Callable[[Erased], Awaitable[None]] | None = None,
    ) -> Erased:
        """Erase every entry not anonymised yet (retention), a chunk per transaction, so
        that an interruption leaves whole entries done and a second run finishes the rest;
        `on_chunk` is given each chunk once it is committed. With `dry_run`, only count."""
        total = Erased()
        after = 0
        while True:
            async with self.db.session() as s:
                stmt = (
                    select(Participant.id)
                    .where(col(Participant.erased_at).is_(None), col(Participant.id) > after)
                    .order_by(col(Participant.id))
                    .limit(chunk)
                )
                ids = [i for i in await s.exec(stmt) if i is not None]
                if not ids:
                    return total
                done = await erase_in(s, ids, now=now, by=RETENTION, dry_run=dry_run)
            total.add(done)
            if on_chunk is not None:
                await on_chunk(done)
            after = ids[-1]

    async def withdrawn(self, ids: Collection[int]) -> set[int]:
        """Those of these entries that withdrew their consent (erased at their request)."""
        if not ids:
            return set()
        async with self.db.session() as s:
            stmt = select(Participant.id).where(
                col(Participant.id).in_(list(ids)),
                col(Participant.consent_withdrawn_at).is_not(None),
            )
            return {i for i in await s.exec(stmt) if i is not None}
