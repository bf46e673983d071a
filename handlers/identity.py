"""What organisers do with participants' identities: find, look at, correct, hold, release.

Every change is written to the audit log with the old and new values, the reason given and
who made it. The command line (`quizbot participants`) calls these; a chat or web version
would call the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from handlers import entries
from handlers.context import Services
from handlers.details import (
    birth_years,
    clean,
    fold,
    locality_named,
    valid_name,
    valid_unit,
)
from handlers.phones import local_form, normalise_phone
from storage.models import Account, Participant
from storage.repos.identity_steps import PhoneSpell, PhoneVerifiedElsewhereError

MAX_FOUND = 50
_DIGITS = re.compile(r"[\d\s.+\-]+")


class IdentityError(ValueError):
    """An organiser's request that cannot be done; the message says why, in Vietnamese."""


@dataclass(frozen=True, slots=True)
class Found:
    """A participant matching a search."""

    id: int
    full_name: str
    phone: str


@dataclass(frozen=True)
class ParticipantFile:
    """Everything organisers need to settle who an entry is."""

    person: Participant
    accounts: list[Account]
    phones: list[PhoneSpell]
    sharing: list[int]  # other entries that hold or held one of its phones
    attempts: dict[str, int]  # attempts per round code
    frozen: bool
    ineligible: str | None


@dataclass(frozen=True)
class Changes:
    """What an organiser asks to change (None: leave it)."""

    full_name: str | None = None
    phone: str | None = None
    birth_year: int | None = None
    locality: str | None = None
    unit: str | None = None
    given: dict[str, Any] = field(init=False)

    def __post_init__(self) -> None:
        wanted = {
            "full_name": self.full_name,
            "phone": self.phone,
            "birth_year": self.birth_year,
            "locality": self.locality,
            "unit": self.unit,
        }
        object.__setattr__(self, "given", {k: v for k, v in wanted.items() if v is not None})


async def find(svc: Services, text: str) -> list[Found]:
    """Participants whose name contains the text (case and diacritics aside), or whose phone
    ends with the digits typed; at most MAX_FOUND, by id."""
    digits = "".join(c for c in text if c.isdigit())
    by_phone = bool(_DIGITS.fullmatch(text.strip())) and len(digits) >= 3
    wanted = fold(text)
    if not wanted:
        return []
    out = []
    for pid, name, phone in await svc.identities.everyone():
        if (by_phone and local_form(phone).endswith(digits)) or (
            not by_phone and wanted in fold(name)
        ):
            out.append(Found(pid, name, phone))
    return sorted(out, key=lambda f: f.id)[:MAX_FOUND]


async def show(svc: Services, participant_id: int) -> ParticipantFile | None:
    """An entry with its accounts, phone history, attempts and standing."""
    person = await svc.participants.get(participant_id)
    if person is None:
        return None
    attempts = {}
    for rnd in await svc.rounds.all():
        count = await svc.attempts.count(participant_id, rnd.code)
        if count:
            attempts[rnd.code] = count
    why = (await entries.ineligible(svc)).get(participant_id)
    return ParticipantFile(
        person=person,
        accounts=await svc.participants.accounts_of(participant_id),
        phones=await svc.identities.phones_of(participant_id),
        sharing=await svc.identities.sharing_phones(participant_id),
        attempts=attempts,
        frozen=await entries.frozen(svc, participant_id),
        ineligible=why,
    )


def _checked(svc: Services, changes: Changes) -> dict[str, Any]:
    """The changes cleaned and checked the way registration checks them."""
    out: dict[str, Any] = {}
    if changes.full_name is not None:
        name = clean(changes.full_name)
        if not valid_name(name):
            raise IdentityError("Họ tên cần ít nhất hai chữ, chỉ gồm chữ cái.")
        out["full_name"] = name
    if changes.phone is not None:
        phone = normalise_phone(changes.phone)
        if phone is None:
            raise IdentityError("Số điện thoại không phải số di động Việt Nam.")
        out["phone"] = phone
    if changes.birth_year is not None:
        low, high = birth_years(svc)
        if not low <= changes.birth_year <= high:
            raise IdentityError(f"Năm sinh cần từ {low} đến {high}.")
        out["birth_year"] = changes.birth_year
    if changes.locality is not None:
        locality = locality_named(svc, changes.locality)
        if locality is None:
            raise IdentityError("Địa bàn không có trong danh sách của cuộc thi.")
        out["locality"] = locality
    if changes.unit is not None:
        unit = clean(changes.unit)
        if not valid_unit(unit):
            raise IdentityError("Tên cơ quan, đơn vị cần từ 2 đến 200 ký tự.")
        # A unit of the organisers' list is stored as the list writes it.
        listed = svc.contest.units.named(unit) if svc.contest.units is not None else None
        out["unit"] = listed or unit
    return out


def _reason(reason: str) -> str:
    text = clean(reason)
    if len(text) < 3:
        raise IdentityError("Cần ghi lý do (--reason), ví dụ số văn bản hoặc nội dung xác minh.")
    return text[:500]


async def edit(
    svc: Services, participant_id: int, changes: Changes, *, reason: str, actor: str
) -> dict[str, list[Any]]:
    """Change an entry's details; the fields changed as [old, new] (also in the audit log).

    Allowed after the entry's first attempt too (that is what organisers are for): the entry
    is then marked as edited after an attempt. Winners already stored keep what they were.
    """
    why = _reason(reason)
    wanted = _checked(svc, changes)
    if not wanted:
        raise IdentityError(
            "Chưa có gì để sửa (--name, --phone, --birth-year, --locality, --unit)."
        )
    try:
        diff = await svc.identities.edit(
            participant_id,
            wanted,
            frozen=await entries.frozen(svc, participant_id),
            excluded_phones=svc.contest.excluded_phones,
            now=svc.clock.now(),
            actor=actor,
            reason=why,
        )
    except PhoneVerifiedElsewhereError as exc:
        raise IdentityError(
            "Số điện thoại này đang là số đã xác thực của người dự thi khác; "
            "xem người đó trước (quizbot participants find)."
        ) from exc
    if diff is None:
        raise IdentityError(f"Không có người dự thi số {participant_id}.")
    return diff


async def set_hold(
    svc: Services, participant_id: int, *, held: bool, reason: str, actor: str
) -> bool:
    """Hold an entry (it keeps its attempts, wins nothing) or release it; False if it already
    was (or was not) held."""
    changed = await svc.identities.set_hold(
        participant_id, held=held, now=svc.clock.now(), actor=actor, reason=_reason(reason)
    )
    if changed is None:
        raise IdentityError(f"Không có người dự thi số {participant_id}.")
    return changed


async def held(svc: Services) -> list[Participant]:
    """The entries on hold, oldest hold first."""
    return await svc.identities.held()
