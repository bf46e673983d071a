"""Participants and their channel accounts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import col, select

from storage.db import Database, Sql
from storage.models import Account, Participant


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
        """A participant by normalised phone."""
        async with self.db.session() as s:
            return (await s.exec(select(Participant).where(Participant.phone == phone))).first()

    async def register(
        self,
        details: ParticipantDetails,
        *,
        channel: str,
        channel_user_id: str,
        display_name: str,
        source: str,
        now: datetime,
    ) -> Participant:
        """Save confirmed details and link the account.

        The phone identifies the person: an existing participant with this phone is updated
        and gains this account, so a person who registers on a second channel keeps one entry.
        """
        async with self.db.session() as s:
            account = (
                await s.exec(
                    select(Account).where(
                        Account.channel == channel, Account.channel_user_id == channel_user_id
                    )
                )
            ).first()
            person = (
                await s.exec(select(Participant).where(Participant.phone == details.phone))
            ).first()
            if person is None and account is not None:
                # The account re-registers with a new phone: its participant changes number.
                person = await s.get(Participant, account.participant_id)
            if person is None:
                person = Participant(
                    phone=details.phone,
                    full_name=details.full_name,
                    birth_year=details.birth_year,
                    locality=details.locality,
                    unit=details.unit,
                    source=source[:64],
                    consent_at=now,
                    created_at=now,
                    updated_at=now,
                )
            else:
                person.phone = details.phone
                person.full_name = details.full_name
                person.birth_year = details.birth_year
                person.locality = details.locality
                person.unit = details.unit
                person.consent_at = now
                person.updated_at = now
            s.add(person)
            await s.flush()
            assert person.id is not None
            if account is None:
                account = Account(
                    participant_id=person.id,
                    channel=channel,
                    channel_user_id=channel_user_id,
                    display_name=display_name[:128],
                    created_at=now,
                )
            else:
                account.participant_id = person.id
                account.display_name = display_name[:128]
            s.add(account)
            return person

    async def count(self) -> int:
        """How many people have registered."""
        async with self.db.session() as s:
            return int((await s.exec(select(func.count()).select_from(Participant))).one())

    async def by_locality(self) -> list[tuple[str, int]]:
        """Registered participants per locality, most first."""
        async with self.db.session() as s:
            n = func.count()
            stmt = (
                select(Participant.locality, n)
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
