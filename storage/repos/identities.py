"""What makes an entry someone: its phone history, holds, exclusion, linked accounts.

The steps these share with registration, each in the caller's transaction, are
storage.repos.identity_steps.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import or_
from sqlmodel import col, delete, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import Database, Sql
from storage.models import Account, Participant, ParticipantPhone
from storage.repos.identity_steps import (
    IDENTITY_FIELDS,
    PHONE_HOLDS,
    SYSTEM,
    HoldReason,
    PhoneSpell,
    PhoneVerifiedElsewhereError,
    audit,
    exclude_if_listed,
    has_attempts,
    hold,
    release,
    set_phone,
    verified_holder,
)

_PEOPLE = "SELECT id, full_name, phone FROM participants"


class Identities:
    """Reads and changes of entries' identities beyond registering."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def has_attempts(self, participant_id: int) -> bool:
        """Whether the entry has a submitted attempt in any round."""
        async with self.db.session() as s:
            return await has_attempts(s, participant_id)

    async def phones_of(self, participant_id: int) -> list[PhoneSpell]:
        """Every phone the entry held, oldest first."""
        async with self.db.session() as s:
            stmt = (
                select(ParticipantPhone)
                .where(ParticipantPhone.participant_id == participant_id)
                .order_by(col(ParticipantPhone.id))
            )
            return [PhoneSpell(r.phone, r.verified, r.since, r.until) for r in await s.exec(stmt)]

    async def sharing_phones(self, participant_id: int) -> list[int]:
        """Other entries that hold, or held, a phone this entry ever held."""
        async with self.db.session() as s:
            mine = select(ParticipantPhone.phone).where(
                ParticipantPhone.participant_id == participant_id
            )
            stmt = (
                select(ParticipantPhone.participant_id)
                .where(
                    col(ParticipantPhone.phone).in_(mine),
                    ParticipantPhone.participant_id != participant_id,
                )
                .distinct()
            )
            return sorted(await s.exec(stmt))

    async def everyone(self) -> Sequence[Sequence[Any]]:
        """(id, full name, phone) of every entry, for an organiser's search."""
        return await self.db.rows(Sql(sqlite=_PEOPLE, postgresql=_PEOPLE))

    async def held(self) -> list[Participant]:
        """The entries on hold, oldest hold first."""
        async with self.db.session() as s:
            stmt = (
                select(Participant)
                .where(col(Participant.held_at).is_not(None))
                .order_by(col(Participant.held_at), col(Participant.id))
            )
            return list(await s.exec(stmt))

    async def exclude_listed(self, excluded_phones: Collection[str], now: datetime) -> list[int]:
        """Exclude for good every entry that ever held one of these phones; the ids excluded now."""
        if not excluded_phones:
            return []
        phones = list(excluded_phones)
        async with self.db.session() as s:
            ever = select(ParticipantPhone.participant_id).where(
                col(ParticipantPhone.phone).in_(phones)
            )
            stmt = select(Participant).where(
                col(Participant.excluded_at).is_(None),
                or_(col(Participant.phone).in_(phones), col(Participant.id).in_(ever)),
            )
            found = list(await s.exec(stmt))
            for person in found:
                person.excluded_at = now
                s.add(person)
                audit(s, actor=SYSTEM, action="participant.exclude", at=now, participant=person.id)
            return sorted(p.id for p in found if p.id is not None)

    async def ineligible(self, excluded_phones: Collection[str]) -> dict[int, str]:
        """Entries that cannot win now: "excluded" (it ever held a listed phone), "withdrawn"
        (it withdrew its consent and was erased) or "on_hold"."""
        phones = list(excluded_phones)
        async with self.db.session() as s:
            marked = select(
                Participant.id,
                Participant.excluded_at,
                Participant.consent_withdrawn_at,
                Participant.held_at,
            ).where(
                or_(
                    col(Participant.excluded_at).is_not(None),
                    col(Participant.consent_withdrawn_at).is_not(None),
                    col(Participant.held_at).is_not(None),
                    col(Participant.phone).in_(phones),
                )
            )
            out = {
                pid: _why_ineligible(excluded, withdrawn, held)
                for pid, excluded, withdrawn, held in await s.exec(marked)
                if pid is not None
            }
            if phones:
                ever = select(ParticipantPhone.participant_id).where(
                    col(ParticipantPhone.phone).in_(phones)
                )
                out.update(dict.fromkeys(await s.exec(ever), "excluded"))
        return out

    async def edit(
        self,
        participant_id: int,
        changes: dict[str, Any],
        *,
        frozen: bool,
        excluded_phones: Collection[str],
        now: datetime,
        actor: str,
        reason: str,
    ) -> dict[str, list[Any]] | None:
        """An organiser's change of an entry's fields; the fields changed as [old, new], or
        None when there is no such entry.

        A phone set this way is typed (the organiser vouches for it, Telegram does not); it
        may not be a phone another entry holds verified (PhoneVerifiedElsewhereError).
        """
        async with self.db.session() as s:
            person = await s.get(Participant, participant_id)
            if person is None:
                return None
            diff = {
                name: [getattr(person, name), value]
                for name, value in changes.items()
                if getattr(person, name) != value
            }
            if "phone" in diff:
                holder = await verified_holder(s, changes["phone"])
                if holder is not None and holder.id != participant_id:
                    raise PhoneVerifiedElsewhereError
                await set_phone(s, person, changes["phone"], verified=False, now=now)
            for name, (_, value) in diff.items():
                setattr(person, name, value)
            if frozen and diff.keys() & set(IDENTITY_FIELDS):
                person.identity_edited_at = now
            if diff:
                person.updated_at = now
            s.add(person)
            exclude_if_listed(s, person, excluded_phones, now=now)
            audit(
                s,
                actor=actor,
                action="participant.edit",
                at=now,
                participant=participant_id,
                reason=reason,
                changes=diff,
            )
            return diff

    async def set_hold(
        self, participant_id: int, *, held: bool, now: datetime, actor: str, reason: str
    ) -> bool | None:
        """An organiser holds (or releases) an entry; False when it already was (or was not)
        so, None when there is no such entry. Holding an entry the system held makes the hold
        the organiser's: it then ends only when an organiser releases it."""
        async with self.db.session() as s:
            person = await s.get(Participant, participant_id)
            if person is None:
                return None
            if held and person.held_reason == HoldReason.ORGANISER:
                return False
            if not held and person.held_at is None:
                return False
            if held:
                hold(s, person, HoldReason.ORGANISER, now=now, actor=actor, note=reason)
            else:
                release(s, person, now=now, actor=actor, note=reason)
            return True

    async def link(
        self,
        participant_id: int,
        *,
        channel: str,
        channel_user_id: str,
        display_name: str,
        now: datetime,
    ) -> LinkResult:
        """Join a channel account to an entry (see LinkResult for what can stop it).

        The account's own entry, if it had one, must have no attempts; it is discarded. If
        that entry held the target's phone verified, the target's phone becomes verified:
        the account that proved the phone now reaches the entry that holds it.
        """
        async with self.db.session() as s:
            target = await s.get(Participant, participant_id)
            if target is None:
                return LinkResult.GONE
            account = (
                await s.exec(
                    select(Account).where(
                        Account.channel == channel, Account.channel_user_id == channel_user_id
                    )
                )
            ).first()
            if account is not None and account.participant_id == participant_id:
                return LinkResult.ALREADY
            taken = select(Account.id).where(
                Account.participant_id == participant_id, Account.channel == channel
            )
            if (await s.exec(taken.limit(1))).first() is not None:
                return LinkResult.CHANNEL_TAKEN
            # The entry the account reached before, in the audit log: the jury's review
            # flags entries that one account's history joins (handlers.jury.flags).
            previous: int | None = None
            if account is None:
                s.add(
                    Account(
                        participant_id=participant_id,
                        channel=channel,
                        channel_user_id=channel_user_id,
                        display_name=display_name[:128],
                        created_at=now,
                    )
                )
            else:
                old = previous = account.participant_id
                if await has_attempts(s, old):
                    return LinkResult.HAS_ATTEMPTS
                account.participant_id = participant_id
                s.add(account)
                await s.flush()
                await _discard_if_empty(s, old, target, now)
            audit(
                s,
                actor=f"{channel}:{channel_user_id}",
                action="participant.link",
                at=now,
                participant=participant_id,
                channel=channel,
                **({"previous": previous} if previous is not None else {}),
            )
            return LinkResult.LINKED


def _why_ineligible(
    excluded: datetime | None, withdrawn: datetime | None, held: datetime | None
) -> str:
    """Why an entry cannot win: withdrawn, on hold, or else excluded (marked so, or holding a
    listed phone); excluded for good says most."""
    if excluded is None and withdrawn is not None:
        return "withdrawn"
    if excluded is None and held is not None:
        return "on_hold"
    return "excluded"


class LinkResult(StrEnum):
    """What linking an account to an entry did."""

    LINKED = "linked"
    ALREADY = "already"  # the account was already this entry's
    HAS_ATTEMPTS = "has_attempts"  # the account's own entry has attempts: not discarded
    CHANNEL_TAKEN = "channel_taken"  # the entry already has an account on this channel
    GONE = "gone"  # the entry no longer exists


async def _discard_if_empty(
    s: AsyncSession, old_id: int, target: Participant, now: datetime
) -> None:
    """Delete an entry left without accounts (it has no attempts), passing on its proof."""
    left = select(Account.id).where(Account.participant_id == old_id).limit(1)
    old = await s.get(Participant, old_id)
    if old is None or (await s.exec(left)).first() is not None:
        return
    proved = old.phone if old.phone_verified else None
    await s.exec(delete(ParticipantPhone).where(col(ParticipantPhone.participant_id) == old_id))
    await s.delete(old)
    await s.flush()
    audit(
        s, actor=SYSTEM, action="participant.discard", at=now, participant=old_id, joined=target.id
    )
    if proved is not None and target.phone == proved and not target.phone_verified:
        await set_phone(s, target, proved, verified=True, now=now)
        if target.held_reason in PHONE_HOLDS:
            release(s, target, now=now, actor=SYSTEM, why="verified_by_link")
        s.add(target)
