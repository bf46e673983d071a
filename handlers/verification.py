"""Certificates anyone can verify: each winner's certificate carries a code, printed with a QR
code of `PUBLIC_BASE_URL/xac-minh/<code>`, where the web page (bot/web/verify.py) and
`quizbot certificates verify CODE` say whom it was given to, for which prize and round, or that
it is not valid.

A code is 8 characters from Crockford's base-32 alphabet (digits and capitals without I, L, O
and U, so nothing reads as something else), shown in two groups: K7P3-9QXM. Typing it back is
forgiving: any case, with or without the dash or spaces, O for 0 and I or L for 1. A code is
drawn at random (`secrets`), so there are 32⁸ ≈ 1.1 × 10¹² of them: with ten thousand
certificates issued, one guess in a hundred million finds one, and guessing is hopeless
even before the web page's limit on lookups per address.

A code is issued once per winner and round, and issuing again (the certificates made again,
from the command line, the dashboard or the jury's approval) gives the same code, as long as
what the certificate says is the same. If it changed (a prize's name in contest.yaml, the
winner's stored name), the old code is revoked, saying which code replaces it, and the
certificate made now carries a new one. An organiser may revoke a code (audited); a revoked
code verifies as revoked, with nothing about its holder on the web page.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from handlers.certificates import (
    Certificate,
    RoundNotFinalError,
    certificates,
    closing_day,
    round_words,
)
from handlers.context import Services
from handlers.rounds import RoundResults
from storage.models import CertificateCode, Round
from storage.repos.certificate_codes import CertificateCodes, Holder

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
GROUP = 4
PATH = "/xac-minh"
# What people type for a letter the alphabet leaves out.
_READS_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_.·]+")
REPLACED = "Thay bằng mã {code}: thông tin trên giấy chứng nhận đã thay đổi."
SYSTEM = "system"
# A revocation's reason is stored with the code (storage.models.CertificateCode).
REASON_MAX = 500

__all__ = [
    "Holder",
    "Revocation",
    "Status",
    "Verification",
    "canonical",
    "certificates_with_codes",
    "holders",
    "issue_codes",
    "new_code",
    "revoke",
    "revoke_holder",
    "shown",
    "verify",
    "verify_url",
]


class Status(StrEnum):
    """What a code turns out to be."""

    VALID = "valid"
    UNKNOWN = "unknown"  # malformed, made up, or never issued
    REVOKED = "revoked"


@dataclass(frozen=True)
class Verification:
    """A code looked up: its status and, unless unknown, the certificate it belongs to.

    For a revoked code the holder's details are here for the organisers (command line);
    the public page shows none of them.
    """

    status: Status
    code: str = ""
    full_name: str = ""
    locality: str = ""
    unit: str = ""
    prize: str = ""
    round_code: str = ""
    round_name: str = ""
    round_opens: date | None = None
    round_closes: date | None = None
    issued_on: date | None = None
    revoked_at: datetime | None = None
    revoked_by: str = ""
    revoked_reason: str = ""

    @property
    def valid(self) -> bool:
        """Whether the certificate stands."""
        return self.status == Status.VALID

    @property
    def round_words(self) -> str:
        """The round as the certificate prints it: Quý 1 (từ ngày 15/02/2023 đến ngày …)."""
        if self.round_opens is None or self.round_closes is None:
            return self.round_name
        return round_words(self.round_name, self.round_opens, self.round_closes)

    @property
    def issued(self) -> str:
        """The day of issue: 30/03/2023."""
        return "" if self.issued_on is None else f"{self.issued_on:%d/%m/%Y}"


class RevokeOutcome(StrEnum):
    """What revoking did."""

    REVOKED = "revoked"
    ALREADY = "already"  # revoked before: nothing changed
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Revocation:
    """The outcome of a revocation and the code as it stands after it."""

    outcome: RevokeOutcome
    verification: Verification


def new_code() -> str:
    """A fresh random code, 8 characters, stored without its dash."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def canonical(typed: str) -> str | None:
    """The stored form of a code as someone typed it, or None if it cannot be one.

    "k7p3 9qxm", "K7P3-9QXM" and "k7p39qxm" are all K7P39QXM; O reads as 0, I and L as 1.
    """
    text = unicodedata.normalize("NFKC", typed)
    text = _SEPARATORS.sub("", text).upper().translate(_READS_AS)
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return text


def shown(code: str) -> str:
    """A stored code as printed and shown: K7P3-9QXM."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def verify_url(base_url: str, code: str) -> str:
    """The address that checks a code: <PUBLIC_BASE_URL>/xac-minh/K7P3-9QXM."""
    stored = canonical(code)
    return f"{base_url.rstrip('/')}{PATH}/{shown(stored or code)}"


def holders(svc: Services, results: RoundResults) -> list[Holder]:
    """A closed round's winners as their certificates print them (handlers.certificates)."""
    people = results.internal().people
    out = []
    for award in results.awards:
        person = people[award.participant_id]
        out.append(
            Holder(
                participant_id=award.participant_id,
                tier=award.tier,
                prize=svc.contest.prize_name(award.tier),
                full_name=person.full_name,
                locality=person.locality,
                unit=person.unit,
            )
        )
    return out


async def issue_codes(
    svc: Services,
    round_code: str,
    awards: Sequence[Holder],
    *,
    issued: date | None = None,
    actor: str = SYSTEM,
) -> dict[int, str]:
    """Each winner's code (participant id -> K7P3-9QXM), issued once and the same ever after.

    `issued` is the day a new code's certificate is dated (default: the day the round
    closed, as certificates are dated); a code keeps the day it was first issued. New codes
    and replaced ones are audited.
    """
    return {
        pid: shown(c.code)
        for pid, c in (await _issue(svc, round_code, awards, issued, actor)).items()
    }


async def _issue(
    svc: Services,
    round_code: str,
    awards: Sequence[Holder],
    issued: date | None,
    actor: str,
) -> dict[int, CertificateCode]:
    rnd = await svc.rounds.get(round_code)
    if rnd is None:
        raise KeyError(round_code)
    now = svc.clock.now()
    repo = CertificateCodes(svc.db)
    done = await repo.issue(
        round_code,
        awards,
        issued_on=issued or closing_day(rnd, svc.contest.tz),
        now=now,
        new_code=new_code,
        replaced_reason=lambda code: REPLACED.format(code=shown(code)),
    )
    if done.new:
        await svc.audit.record(
            actor=actor, action="certificate.issue", at=now, round=round_code, codes=done.new
        )
    for old, new in done.replaced:
        await svc.audit.record(
            actor=actor,
            action="certificate.replace",
            at=now,
            round=round_code,
            participant=old.participant_id,
            code=shown(old.code),
            by=shown(new),
        )
    return done.codes


async def certificates_with_codes(
    svc: Services, results: RoundResults, *, base_url: str = "", actor: str = SYSTEM
) -> list[Certificate]:
    """The certificates of an approved round, each with its winner's code and the QR code of
    the address that verifies it (`base_url`, default PUBLIC_BASE_URL).

    Raises handlers.certificates.RoundNotFinalError while the round is open or its prizes
    wait for the jury's approval (no code is issued then), and CertificateError when a
    certificate cannot be made.
    """
    if not results.final:
        # certificates() refuses too, but no code may be issued for prizes not final.
        return certificates(svc.contest, results)
    if not results.approved:
        raise RoundNotFinalError(results.round.code)
    issued = await _issue(svc, results.round.code, holders(svc, results), None, actor)
    base = base_url or svc.public_url
    return await asyncio.to_thread(
        certificates,
        svc.contest,
        results,
        codes={pid: shown(c.code) for pid, c in issued.items()},
        verify_url=lambda code: verify_url(base, code),
        issued_on={pid: c.issued_on for pid, c in issued.items()},
    )


async def verify(svc: Services, code: str) -> Verification:
    """What a typed code is: valid (with its certificate), unknown, or revoked."""
    stored = canonical(code)
    if stored is None:
        return Verification(Status.UNKNOWN)
    found = await CertificateCodes(svc.db).find(stored)
    if found is None:
        return Verification(Status.UNKNOWN, code=shown(stored))
    return _verification(svc, *found)


def _verification(svc: Services, c: CertificateCode, rnd: Round) -> Verification:
    tz = svc.contest.tz
    return Verification(
        status=Status.REVOKED if c.revoked_at is not None else Status.VALID,
        code=shown(c.code),
        full_name=c.full_name,
        locality=c.locality,
        unit=c.unit,
        prize=c.prize,
        round_code=rnd.code,
        round_name=rnd.name,
        round_opens=rnd.opens_at.astimezone(tz).date(),
        round_closes=rnd.closes_at.astimezone(tz).date(),
        issued_on=c.issued_on,
        revoked_at=c.revoked_at,
        revoked_by=c.revoked_by,
        revoked_reason=c.revoked_reason,
    )


async def revoke(svc: Services, code: str, reason: str, actor: str) -> Revocation:
    """Revoke a certificate's code for a reason (required); audited with who and when.

    Revoking a revoked code changes nothing; an unknown code is UNKNOWN.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise ValueError("a revocation needs a reason")
    if len(reason) > REASON_MAX:
        raise ValueError(f"a revocation's reason has at most {REASON_MAX} characters")
    before = await verify(svc, code)
    if before.status != Status.VALID:
        outcome = (
            RevokeOutcome.UNKNOWN if before.status == Status.UNKNOWN else RevokeOutcome.ALREADY
        )
        return Revocation(outcome, before)
    stored = canonical(code) or ""
    now = svc.clock.now()
    row = await CertificateCodes(svc.db).revoke(stored, reason=reason, actor=actor, now=now)
    if row is None:  # revoked by someone else a moment ago
        return Revocation(RevokeOutcome.ALREADY, await verify(svc, code))
    await svc.audit.record(
        actor=actor,
        action="certificate.revoke",
        at=now,
        round=row.round_code,
        participant=row.participant_id,
        code=shown(row.code),
        reason=reason,
    )
    return Revocation(RevokeOutcome.REVOKED, await verify(svc, code))


async def revoke_holder(
    svc: Services, round_code: str, participant_id: int, reason: str, actor: str
) -> Revocation | None:
    """Revoke a winner's live code in a round (an entry set aside after its certificate was
    made); None when they have none."""
    live = await CertificateCodes(svc.db).live(round_code, participant_id)
    if live is None:
        return None
    return await revoke(svc, live.code, reason, actor)
