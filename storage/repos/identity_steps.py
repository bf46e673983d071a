"""The steps registration and the organisers' edits share, each in the caller's transaction:
an entry's phone history, its holds and exclusion, and the audit entry of each change.

Taking the caller's session is what lets a change and its consequences (a hold, an exclusion,
the audit entry) be written in one transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import Attempt, AuditEntry, Participant, ParticipantPhone, Round

SYSTEM = "system"
# What makes the entry someone: changed only by an organiser once it has an attempt.
IDENTITY_FIELDS = ("full_name", "phone", "birth_year")


class PhoneVerifiedElsewhereError(Exception):
    """The phone is verified by another entry: only the phone's owner could have shared it."""


class HoldReason(StrEnum):
    """Why an entry is held (kept with its attempts, not eligible for a prize)."""

    # Its typed phone is another entry's verified phone.
    PHONE_OF_VERIFIED = "phone_of_verified"
    # Its typed phone was later shared, verified, by the phone's owner from another account.
    PHONE_CLAIMED = "phone_claimed"
    # An organiser held it (the reason they gave is in the audit log).
    ORGANISER = "organiser"


# Holds that follow from the phone alone: they end by themselves when the entry changes to
# a phone nobody holds verified (which it can only do before its first attempt).
PHONE_HOLDS = {HoldReason.PHONE_OF_VERIFIED, HoldReason.PHONE_CLAIMED}


@dataclass(frozen=True, slots=True)
class PhoneSpell:
    """A phone an entry held, from when until when (None: it holds it now)."""

    phone: str
    verified: bool
    since: datetime
    until: datetime | None


def audit(s: AsyncSession, *, actor: str, action: str, at: datetime, **detail: Any) -> None:
    """An audit entry written in the caller's transaction."""
    s.add(AuditEntry(at=at, actor=actor, action=action, detail=detail))


async def set_phone(
    s: AsyncSession, person: Participant, phone: str, *, verified: bool, now: datetime
) -> None:
    """Give the entry a phone and record it in the history (closing the spell before it)."""
    assert person.id is not None
    await s.exec(
        update(ParticipantPhone)
        .where(
            col(ParticipantPhone.participant_id) == person.id,
            col(ParticipantPhone.until).is_(None),
        )
        .values(until=now)
    )
    person.phone, person.phone_verified = phone, verified
    s.add(ParticipantPhone(participant_id=person.id, phone=phone, verified=verified, since=now))


async def verified_holder(s: AsyncSession, phone: str) -> Participant | None:
    """The entry holding this phone verified, if any."""
    stmt = select(Participant).where(Participant.phone == phone, col(Participant.phone_verified))
    return (await s.exec(stmt)).first()


async def typed_holders(s: AsyncSession, phone: str, *, besides: int) -> list[Participant]:
    """The other entries holding this phone typed."""
    stmt = select(Participant).where(
        Participant.phone == phone,
        col(Participant.phone_verified).is_(False),
        Participant.id != besides,
    )
    return list(await s.exec(stmt))


def hold(
    s: AsyncSession, person: Participant, reason: str, *, now: datetime, actor: str, **detail: Any
) -> None:
    """Hold an entry (a held entry stays held; an organiser's reason replaces the system's)."""
    if person.held_at is not None and reason != HoldReason.ORGANISER:
        return
    person.held_at = person.held_at or now
    person.held_reason = reason
    s.add(person)
    said = {"participant": person.id, "reason": reason, **detail}
    audit(s, actor=actor, action="participant.hold", at=now, **said)


def release(
    s: AsyncSession, person: Participant, *, now: datetime, actor: str, **detail: Any
) -> None:
    """End an entry's hold."""
    said = {"participant": person.id, "was": person.held_reason, **detail}
    person.held_at, person.held_reason = None, ""
    s.add(person)
    audit(s, actor=actor, action="participant.release", at=now, **said)


def exclude_if_listed(
    s: AsyncSession, person: Participant, excluded_phones: Collection[str], *, now: datetime
) -> None:
    """Exclude the entry for good if its phone is one of the organisers', jury's, secretariat's."""
    if person.excluded_at is None and person.phone in excluded_phones:
        person.excluded_at = now
        s.add(person)
        audit(s, actor=SYSTEM, action="participant.exclude", at=now, participant=person.id)


async def has_attempts(s: AsyncSession, participant_id: int) -> bool:
    """Whether the entry has a submitted attempt in any round."""
    # Naming the rounds lets the (round, participant) index answer without a scan.
    rounds = select(Round.code)
    stmt = (
        select(Attempt.id)
        .where(col(Attempt.round_code).in_(rounds), Attempt.participant_id == participant_id)
        .limit(1)
    )
    return (await s.exec(stmt)).first() is not None
