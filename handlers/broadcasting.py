"""Broadcasts an organiser starts: to everyone, to one round's participants or to one
locality; what a participant will see, and the start itself (the broadcaster sends it)."""

from __future__ import annotations

import html
from dataclasses import dataclass

from handlers import paid_broadcast
from handlers.context import Services
from handlers.texts import Raw
from storage.repos.audiences import ALL, in_locality, in_round
from storage.repos.rounds import SCHEDULED

MAX_CHARS = 3500
# The text as it is sent (its &, < and > escaped) leaves room for the heading within one
# Telegram message (4,096): a longer one would go as two, each charged when sent paid.
MAX_MARKUP = 4000


class NotPayableError(ValueError):
    """A broadcast asked to go paid that may not: over the budget, or the bot's balance.
    (Not bot.channels.base.PaidRefusedError: that is Telegram refusing to charge a message.)"""


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a broadcast can go to: its stored form and what organisers read."""

    value: str
    label: Raw


async def audiences(svc: Services) -> list[Audience]:
    """Everyone, then each round that has opened, then each locality of the contest file."""
    t = svc.texts
    out = [Audience(ALL, t("broadcast.audience_all"))]
    for r in await svc.rounds.all():
        if r.status != SCHEDULED:
            out.append(Audience(in_round(r.code), t("broadcast.audience_round", name=r.name)))
    out += [
        Audience(in_locality(name), t("broadcast.audience_locality", name=name))
        for name in svc.contest.localities
    ]
    return out


def message(svc: Services, text: str) -> Raw:
    """The broadcast as a participant will see it."""
    return svc.texts("broadcast.message", text=text.strip())


def problem(text: str) -> bool:
    """Whether the text cannot be sent (empty, or longer than one message allows)."""
    text = text.strip()
    return not text or len(text) > MAX_CHARS or len(html.escape(text, quote=False)) > MAX_MARKUP


async def start(
    svc: Services, *, actor: str, text: str, audience: str, paid: bool = False
) -> tuple[int, int]:
    """Record a broadcast for the broadcaster to send; (its id, recipients). Audited.

    `paid`: its Telegram messages go out paid (allow_paid_broadcast) within the budget of one
    broadcast; refused (ValueError) when the estimate says it cannot be paid for."""
    if problem(text) or audience not in {a.value for a in await audiences(svc)}:
        raise ValueError("not a broadcast that can be sent")
    budget: int | None = None
    if paid:
        est = await paid_broadcast.estimate(svc, audience)
        if not est.can_pay:
            raise NotPayableError("over the budget of one broadcast or the bot's balance")
        budget = est.budget_tenths
    now = svc.clock.now()
    broadcast_id, count = await svc.broadcasts.create(
        message(svc, text), actor=actor, now=now, audience=audience, paid_budget=budget
    )
    await svc.audit.record(
        actor=actor,
        action="broadcast.start",
        at=now,
        broadcast=broadcast_id,
        recipients=count,
        audience=audience,
        **({"paid_budget_stars": budget // 10} if budget is not None else {}),
    )
    return broadcast_id, count
