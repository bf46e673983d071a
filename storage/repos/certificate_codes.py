"""Certificate verification codes: issued once per winner and round, looked up, revoked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from storage.db import Database, write_lock
from storage.models import CertificateCode, Round

# Issuing is retried when another process issued the same winner's code at the same moment
# (the live-code index refuses the second), or, all but never, a new code was already taken.
ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class Holder:
    """A winner as their certificate prints them."""

    participant_id: int
    tier: str
    prize: str
    full_name: str
    locality: str
    unit: str


@dataclass(frozen=True, slots=True)
class Issued:
    """The codes of a round's holders after issuing, and the codes revoked because what a
    holder's certificate says changed (the new code replaces them)."""

    codes: dict[int, CertificateCode]
    replaced: list[tuple[CertificateCode, str]]
    new: int


class CertificateCodes:
    """Reads and writes of certificate codes."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def issue(
        self,
        round_code: str,
        holders: Sequence[Holder],
        *,
        issued_on: date,
        now: datetime,
        new_code: Callable[[], str],
        replaced_reason: Callable[[str], str],
    ) -> Issued:
        """Each holder's live code: the one already issued if it still says what their
        certificate says, else a new one (the old one revoked with `replaced_reason(new)`)."""
        for attempt in range(ATTEMPTS):
            try:
                return await self._issue(
                    round_code, holders, issued_on, now, new_code, replaced_reason
                )
            except IntegrityError:
                if attempt == ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    async def _issue(
        self,
        round_code: str,
        holders: Sequence[Holder],
        issued_on: date,
        now: datetime,
        new_code: Callable[[], str],
        replaced_reason: Callable[[str], str],
    ) -> Issued:
        async with self.db.session() as s:
            stmt = select(CertificateCode).where(
                CertificateCode.round_code == round_code,
                col(CertificateCode.revoked_at).is_(None),
            )
            live = {c.participant_id: c for c in await s.exec(stmt)}
            codes: dict[int, CertificateCode] = {}
            replaced: list[tuple[CertificateCode, str]] = []
            new = 0
            for h in holders:
                old = live.get(h.participant_id)
                if old is not None and _says(old) == _says_of(h):
                    codes[h.participant_id] = old
                    continue
                row = CertificateCode(
                    code=new_code(),
                    round_code=round_code,
                    participant_id=h.participant_id,
                    tier=h.tier,
                    prize=h.prize,
                    full_name=h.full_name,
                    locality=h.locality,
                    unit=h.unit,
                    issued_on=old.issued_on if old is not None else issued_on,
                    created_at=now,
                )
                if old is not None:
                    old.revoked_at = now
                    old.revoked_by = "system"
                    old.revoked_reason = replaced_reason(row.code)
                    s.add(old)
                    # The old code leaves the live index before the new one enters it.
                    await s.flush()
                    replaced.append((old, row.code))
                s.add(row)
                codes[h.participant_id] = row
                new += 1
            await s.flush()
            return Issued(codes, replaced, new)

    async def find(self, code: str) -> tuple[CertificateCode, Round] | None:
        """A code with its round, or None."""
        async with self.db.session() as s:
            stmt = (
                select(CertificateCode, Round)
                .join(Round, col(Round.code) == col(CertificateCode.round_code))
                .where(CertificateCode.code == code)
            )
            found = (await s.exec(stmt)).first()
            return None if found is None else (found[0], found[1])

    async def live(self, round_code: str, participant_id: int) -> CertificateCode | None:
        """A winner's live code in a round, if one was issued."""
        async with self.db.session() as s:
            stmt = select(CertificateCode).where(
                CertificateCode.round_code == round_code,
                CertificateCode.participant_id == participant_id,
                col(CertificateCode.revoked_at).is_(None),
            )
            return (await s.exec(stmt)).first()

    async def revoke(
        self, code: str, *, reason: str, actor: str, now: datetime
    ) -> CertificateCode | None:
        """Mark a live code revoked; None when there is no such live code."""
        async with self.db.session() as s:
            await write_lock(s)
            stmt = select(CertificateCode).where(
                CertificateCode.code == code, col(CertificateCode.revoked_at).is_(None)
            )
            row = (await s.exec(stmt.with_for_update())).first()
            if row is None:
                return None
            row.revoked_at = now
            row.revoked_by = actor
            row.revoked_reason = reason
            s.add(row)
            return row


def _says(c: CertificateCode) -> tuple[str, str, str, str, str]:
    return (c.tier, c.prize, c.full_name, c.locality, c.unit)


def _says_of(h: Holder) -> tuple[str, str, str, str, str]:
    return (h.tier, h.prize, h.full_name, h.locality, h.unit)
