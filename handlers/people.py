"""Participants as organisers look them up: by name or by the last digits of the phone, with
the phone masked as in the public results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.context import Services
from handlers.phones import mask_phone

MAX_FOUND = 50


@dataclass(frozen=True, slots=True)
class Found:
    """One participant found: what the dashboard lists."""

    id: int
    full_name: str
    phone: str
    birth_year: int
    locality: str
    unit: str
    channels: tuple[str, ...]
    registered_at: datetime


async def search(svc: Services, query: str) -> list[Found]:
    """Up to MAX_FOUND participants matching `query`, by name."""
    out = []
    for p in await svc.participants.search(query, limit=MAX_FOUND):
        if p.id is None:
            continue
        accounts = await svc.participants.accounts_of(p.id)
        out.append(
            Found(
                id=p.id,
                full_name=p.full_name,
                phone=mask_phone(p.phone),
                birth_year=p.birth_year,
                locality=p.locality,
                unit=p.unit,
                channels=tuple(sorted({a.channel for a in accounts})),
                registered_at=p.created_at,
            )
        )
    return out
