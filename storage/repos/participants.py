"""Participants and their channel accounts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.db import Database, Sql
from storage.models import Account, Participant
from storage.repos.identity_steps import (
    PHONE_HOLDS,
    SYSTEM,
    HoldReason,
    PhoneVerifiedElsewhereError,
    exclude_if_listed,
    hold,
    release,
    set_phone,
    typed_holders,
    verified_holder,
)


@dataclass(frozen=True, slots=True)
class ParticipantDetails:
    """What a person gives when registering."""

    full_name: str
    phone: str
    birth_year: int
    locality: str
    unit: str


@dataclass(frozen=True, slots=True)
class Entrant:
    """A participant as results show them: name, phone, locality and unit."""

    id: int
    full_name: str
    phone: str
    locality: str
    unit: str


_ENTRANT = "SELECT id, full_name, phone, locality, unit FROM participants"
_ENTRANTS = Sql(
    sqlite=f"{_ENTRANT} WHERE id IN (SELECT value FROM json_each(?))",
    postgresql=f"{_ENTRANT} WHERE id = ANY($1::bigint[])",
)


class Participants:
    """Reads and writes of participants and accounts."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def by_account(self, channel: str, channel_user_id: str) -> Participant | None:
        """The participant behind a channel account, if registered."""
        async with self.db.session() as s:
            stmt = (
                select(Participant)
                .join(Account, col(Account.participant_id) == col(Participant.id))
                .where(Account.channel == channel, Account.channel_user_id == channel_user_id)
            )
            return (await s.exec(stmt)).first()

    async def get(self, participant_id: int) -> Participant | None:
        """A participant by id."""
        async with self.db.session() as s:
            return await s.get(Participant, participant_id)

    async def by_phone(self, phone: str) -> Participant | None:
        """The entry holding this normalised phone: the verified one, else the first typed one."""
        async with self.db.session() as s:
            stmt = (
                select(Participant)
                .where(Participant.phone == phone)
                .order_by(col(Participant.phone_verified).desc(), col(Participant.id))
            )
            return (await s.exec(stmt)).first()

    async def register(
        self,
        details: ParticipantDetails,
        *,
        channel: str,
        channel_user_id: str,
        display_name: str,
        source: str,
        now: datetime,
        verified: bool = False,
        excluded_phones: Collection[str] = (),
        consent_version: str = "",
    ) -> Participant:
        """Save confirmed details to the account's own entry (a new one if it has none).

        Nothing here joins, reads or changes another entry through a typed phone. A
        `verified` phone (a contact the user shared from their own account) that another
        entry holds verified is refused (PhoneVerifiedElsewhereError); entries holding it
        typed are held for the organisers. A typed phone that another entry holds verified
        holds this entry. A new entry records the version of the consent text it agreed to;
        correcting an entry's details leaves its consent as it was.
        """
        try:
            async with self.db.session() as s:
                account = (
                    await s.exec(
                        select(Account).where(
                            Account.channel == channel, Account.channel_user_id == channel_user_id
                        )
                    )
                ).first()
                person = await s.get(Participant, account.participant_id) if account else None
                holder = await verified_holder(s, details.phone)
                if verified and holder is not None and (person is None or holder.id != person.id):
                    raise PhoneVerifiedElsewhereError
                person, verified, changed = _saved(
                    person, details, verified, source, now, consent_version
                )
                s.add(person)
                await s.flush()
                await _phone_consequences(
                    s, person, details.phone, holder, verified=verified, changed=changed, now=now
                )
                exclude_if_listed(s, person, excluded_phones, now=now)
                if account is None:
                    assert person.id is not None
                    account = Account(
                        participant_id=person.id,
                        channel=channel,
                        channel_user_id=channel_user_id,
                        created_at=now,
                    )
                account.display_name = display_name[:128]
                s.add(account)
                return person
        except IntegrityError as exc:
            if verified:  # another registration verified the phone at the same moment
                raise PhoneVerifiedElsewhereError from exc
            raise

    async def count(self) -> int:
        """How many people have registered (an anonymised entry is nobody any more)."""
        async with self.db.session() as s:
            stmt = select(func.count()).where(col(Participant.erased_at).is_(None))
            return int((await s.exec(stmt)).one())

    async def by_locality(self) -> list[tuple[str, int]]:
        """Registered participants per locality, most first."""
        async with self.db.session() as s:
            n = func.count()
            stmt = (
                select(Participant.locality, n)
                .where(col(Participant.erased_at).is_(None))
                .group_by(col(Participant.locality))
                .order_by(n.desc(), col(Participant.locality))
            )
            return [(name, int(count)) for name, count in await s.exec(stmt)]

    async def search(self, query: str, *, limit: int = 50) -> list[Participant]:
        """Participants whose name contains `query` (any letter case), or, when it is
        digits, whose phone ends with them; by name."""
        query = " ".join(query.split())
        if not query:
            return []
        if query.replace(" ", "").isdigit():
            match = col(Participant.phone).endswith(query.replace(" ", ""), autoescape=True)
        else:
            name = col(Participant.full_name)
            # SQLite's lower() folds only ASCII letters: "Đặng" stays "Đặng". The forms a
            # name is written in (as typed, lower case, capitalised) cover it there too.
            match = or_(
                func.lower(name).contains(query.lower(), autoescape=True),
                *(name.contains(v, autoescape=True) for v in {query, query.title()}),
            )
        async with self.db.session() as s:
            stmt = (
                select(Participant)
                .where(match)
                .order_by(col(Participant.full_name), col(Participant.id))
                .limit(limit)
            )
            return list(await s.exec(stmt))

    async def by_ids(self, ids: list[int]) -> dict[int, Participant]:
        """Participants by id."""
        out: dict[int, Participant] = {}
        async with self.db.session() as s:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows = await s.exec(select(Participant).where(col(Participant.id).in_(chunk)))
                out.update({p.id: p for p in rows if p.id is not None})
        return out

    async def entrants(self, ids: Sequence[int]) -> dict[int, Entrant]:
        """Participants by id as results show them; unknown ids are left out.

        Only the columns results print, in one read on the driver: whole rows with their three
        dates each, through the ORM, made reading the 100,000 people of a large round take
        seconds.
        """
        rows = await self.db.rows(_ENTRANTS, self.db.ids(list(dict.fromkeys(ids))))
        return {
            pid: Entrant(pid, name, phone, locality, unit)
            for pid, name, phone, locality, unit in rows
        }

    async def accounts_of(self, participant_id: int) -> list[Account]:
        """Every channel account of a participant."""
        async with self.db.session() as s:
            rows = await s.exec(select(Account).where(Account.participant_id == participant_id))
            return list(rows)


def _saved(
    person: Participant | None,
    details: ParticipantDetails,
    verified: bool,
    source: str,
    now: datetime,
    consent_version: str,
) -> tuple[Participant, bool, bool]:
    """The entry with the details applied, whether its phone is verified, and whether its
    phone (or the phone's verification) changed."""
    if person is None:
        fresh = Participant(
            phone=details.phone,
            phone_verified=verified,
            full_name=details.full_name,
            birth_year=details.birth_year,
            locality=details.locality,
            unit=details.unit,
            source=source[:64],
            consent_at=now,
            consent_version=consent_version,
            created_at=now,
            updated_at=now,
        )
        return fresh, verified, True
    # Re-confirming a verified phone by typing it again keeps its verification.
    verified = verified or (person.phone_verified and person.phone == details.phone)
    changed = (person.phone, person.phone_verified) != (details.phone, verified)
    person.full_name = details.full_name
    person.birth_year = details.birth_year
    person.locality = details.locality
    person.unit = details.unit
    person.updated_at = now
    return person, verified, changed


async def _phone_consequences(
    s: AsyncSession,
    person: Participant,
    phone: str,
    holder: Participant | None,
    *,
    verified: bool,
    changed: bool,
    now: datetime,
) -> None:
    """Record the entry's phone if it changed, and hold whoever must be held for it: the
    entries that typed a phone its owner has now verified, or this entry if it typed someone's
    verified phone (a phone hold ends when the phone changes to one nobody verified)."""
    assert person.id is not None
    if changed:
        await set_phone(s, person, phone, verified=verified, now=now)
    if verified:
        for squatter in await typed_holders(s, phone, besides=person.id):
            hold(s, squatter, HoldReason.PHONE_CLAIMED, now=now, actor=SYSTEM, by=person.id)
    elif holder is not None and holder.id != person.id:
        hold(s, person, HoldReason.PHONE_OF_VERIFIED, now=now, actor=SYSTEM, of=holder.id)
    elif changed and person.held_reason in PHONE_HOLDS:
        release(s, person, now=now, actor=SYSTEM, why="phone_changed")
