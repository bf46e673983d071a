"""What an organiser reads before confirming a broadcast: how many it reaches, how long it
takes at the free pace and, with Telegram's paid broadcasts on, at the paid pace and what it
may cost in Stars against the budget of one broadcast (and the bot's balance).

The cost shown is the most Telegram can charge: 0.1 Stars for each Telegram recipient
(Telegram charges only the messages past the free 30 a second, and only those delivered).
The budget is counted the same way while the broadcast is sent, so it is never passed.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

from handlers.context import Services
from handlers.formatting import number_vn
from handlers.texts import Raw
from storage.repos.audiences import ALL
from storage.repos.broadcasts import BroadcastStatus

log = logging.getLogger(__name__)

# The channel whose messages can be sent paid, and what one costs at most, in tenths of a Star.
PAID_CHANNEL = "telegram"
TENTHS_PER_MESSAGE = 1


@dataclass(frozen=True, slots=True)
class Estimate:
    """A broadcast before it starts: recipients, time free and paid, the most it may cost."""

    recipients: int
    free_seconds: float
    paid_seconds: float | None  # None: paid broadcasts are off
    cost_tenths: int
    budget_tenths: int
    balance_tenths: int | None  # None: not known

    @property
    def over_budget(self) -> bool:
        """Whether its cost could pass the budget of one broadcast."""
        return self.cost_tenths > self.budget_tenths

    @property
    def over_balance(self) -> bool:
        """Whether the bot's Stars, as Telegram tells them, could not pay for it."""
        return self.balance_tenths is not None and self.cost_tenths > self.balance_tenths

    @property
    def can_pay(self) -> bool:
        """Whether it may be sent paid."""
        return (
            self.paid_seconds is not None
            and self.cost_tenths > 0
            and not self.over_budget
            and not self.over_balance
        )


async def estimate(svc: Services, audience: str = ALL) -> Estimate:
    """The estimate of a broadcast to `audience` started now."""
    sending = svc.sending
    by_channel = await svc.broadcasts.audience_channels(audience)
    paid_count = by_channel.get(PAID_CHANNEL, 0)
    seconds = {ch: n / sending.rates.get(ch, 10.0) for ch, n in by_channel.items()}
    # Free, recipients go one after the other at each channel's pace; paid, several at once.
    free = sum(seconds.values())
    paid: float | None = None
    if sending.paid:
        others = [s for ch, s in seconds.items() if ch != PAID_CHANNEL]
        paid = max([paid_count / paid_rate(sending.paid_rate), *others])
    return Estimate(
        recipients=sum(by_channel.values()),
        free_seconds=free,
        paid_seconds=paid,
        cost_tenths=paid_count * TENTHS_PER_MESSAGE,
        budget_tenths=sending.paid_budget_stars * 10,
        balance_tenths=await _balance(svc) if sending.paid else None,
    )


async def _balance(svc: Services) -> int | None:
    ask = svc.sending.star_balance
    if ask is None:
        return None
    try:
        return math.floor(await ask() * 10)
    except Exception as exc:  # the estimate stands without it
        log.warning("could not read the bot's Stars balance: %s", exc)
        return None


def lines(svc: Services, est: Estimate) -> Raw:
    """The estimate as the organiser reads it under the preview."""
    t = svc.texts
    out = [
        t(
            "broadcast.estimate_free",
            time=span_vn(est.free_seconds),
            rate=number_vn(round(svc.sending.rates.get(PAID_CHANNEL, 25.0))),
        )
    ]
    if est.paid_seconds is not None:
        balance = (
            t("broadcast.estimate_balance", stars=stars_vn(est.balance_tenths))
            if est.balance_tenths is not None
            else ""
        )
        if est.over_budget:
            out.append(
                t(
                    "broadcast.over_budget",
                    cost=stars_vn(est.cost_tenths),
                    budget=stars_vn(est.budget_tenths),
                )
            )
        elif est.over_balance:
            out.append(
                t(
                    "broadcast.over_balance",
                    cost=stars_vn(est.cost_tenths),
                    stars=stars_vn(est.balance_tenths or 0),
                )
            )
        elif est.cost_tenths > 0:
            out.append(
                t(
                    "broadcast.estimate_paid",
                    time=span_vn(est.paid_seconds),
                    rate=number_vn(round(paid_rate(svc.sending.paid_rate))),
                    cost=stars_vn(est.cost_tenths),
                    budget=stars_vn(est.budget_tenths),
                    balance=Raw(balance),
                )
            )
    return Raw("\n".join(str(line) for line in out))


def progress(svc: Services, b: BroadcastStatus) -> str:
    """How much of its budget a paid broadcast has used, counted at 0.1 Stars a message (the
    most Telegram charges); "" for a free one. Once the budget is spent, it says that what
    is left goes free."""
    if b.paid_budget is None:
        return ""
    budget = stars_vn(b.paid_budget)
    if b.paid_sent >= b.paid_budget:
        return str(svc.texts("broadcast.paid_spent", budget=budget))
    return str(svc.texts("broadcast.paid_progress", spent=stars_vn(b.paid_sent), budget=budget))


def paid_rate(configured: float) -> float:
    """The rate a paid broadcast goes at: its messages are whole milliseconds apart."""
    return 1000 / math.ceil(1000 / configured)


def span_vn(seconds: float) -> str:
    """45 giây, 13 phút 20 giây, 14 giờ 27 phút (rounded up; at least 1 second)."""
    whole = max(math.ceil(seconds), 1)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} giờ {minutes:02d} phút"
    if minutes:
        return f"{minutes} phút {secs:02d} giây"
    return f"{secs} giây"


def stars_vn(tenths: int | None) -> str:
    """12,3 or 1.000 (Stars from tenths, the Vietnamese way)."""
    whole, tenth = divmod(tenths or 0, 10)
    return f"{number_vn(whole)},{tenth}" if tenth else number_vn(whole)
