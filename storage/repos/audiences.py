"""Who a broadcast goes to: everyone registered, a round's participants or those absent from
it, one locality, chosen participants each with their own text, and chats or organisers named
directly."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, literal
from sqlalchemy import select as sa_select
from sqlmodel import col

from storage.models import Account, Attempt, BroadcastRecipient, Participant

ALL = "all"
# Recipients named one by one (the organisers, a chat) or each with their own text.
DIRECT, PERSONAL = "direct", "personal"


def in_round(code: str) -> str:
    """The audience of everyone who took part in a round."""
    return f"round:{code}"


def absent(code: str) -> str:
    """The audience of everyone registered who has not taken part in a round yet."""
    return f"absent:{code}"


def in_locality(name: str) -> str:
    """The audience of everyone registered in one locality (commune/ward)."""
    return f"locality:{name}"


def _audience(accounts: Any, audience: str) -> Any:
    kind, _, code = audience.partition(":")
    if kind == "locality":
        there = sa_select(col(Participant.id)).where(col(Participant.locality) == code)
        return accounts.where(col(Account.participant_id).in_(there))
    took_part = sa_select(col(Attempt.participant_id)).where(col(Attempt.round_code) == code)
    if kind == "round":
        return accounts.where(col(Account.participant_id).in_(took_part))
    if kind == "absent":
        return accounts.where(col(Account.participant_id).not_in(took_part))
    if audience != ALL:
        raise ValueError(f"unknown audience {audience!r}")
    return accounts


def reach(audience: str) -> Any:
    """The accounts an audience reaches now (not blocking the bot), as a subquery."""
    reachable = sa_select(col(Account.id)).where(col(Account.blocked_at).is_(None))
    return _audience(reachable, audience).subquery()


async def add_recipients(
    s: Any,
    broadcast_id: int,
    audience: str,
    personal: dict[int, str] | None,
    direct: Sequence[str],
    *,
    status: str,
) -> None:
    """Add a broadcast's recipients in session `s`: the `direct` ones (user keys such as
    "telegram:-1001234") first, then the accounts its audience or `personal` names."""
    for user_key in dict.fromkeys(direct):
        channel, _, user_id = user_key.partition(":")
        s.add(
            BroadcastRecipient(
                broadcast_id=broadcast_id, channel=channel, channel_user_id=user_id, status=status
            )
        )
    await s.flush()
    accounts = sa_select(
        literal(broadcast_id),
        col(Account.id),
        col(Account.channel),
        col(Account.channel_user_id),
        literal(status),
    ).where(col(Account.blocked_at).is_(None))
    columns = ["broadcast_id", "account_id", "channel", "channel_user_id", "status"]
    if personal is not None:
        for participant_id, own_text in personal.items():
            mine = accounts.where(col(Account.participant_id) == participant_id)
            await s.exec(
                insert(BroadcastRecipient).from_select(
                    [*columns, "text"], mine.add_columns(literal(own_text))
                )
            )
    elif audience != DIRECT:
        await s.exec(insert(BroadcastRecipient).from_select(columns, _audience(accounts, audience)))
