"""Telegram's flood limits, as the fake enforces them.

Telegram asks a bot to send no more than about 30 messages a second overall, about one a
second to one chat (short bursts tolerated) and 20 a minute to one group, and answers 429
"Too Many Requests: retry after N" with `parameters.retry_after` (ResponseParameters) past
that. What counts is what puts or changes a message in a chat: send*, copy*, forward*,
editMessage*, stopPoll; not answerCallbackQuery, sendChatAction or the bot's settings.

A message sent with `allow_paid_broadcast` (a paid broadcast, enabled in @BotFather) is not
held to the 30 a second: up to 1000 a second go, each one past the free 30 in its second
costing 0.1 Stars from the bot's balance (Telegram's Bots FAQ: "each message broadcasted over
the free amount of 30 per second incurs a cost of 0.1 Stars"); when the balance cannot pay,
it is refused (400 BALANCE_TOO_LOW, the name Telegram gives a balance too low to pay). The
limit of one chat still holds for it. Only messages delivered are charged (see stars.py).

The limits are measured on the fake's own monotonic clock when a call arrives; a refused
call is not counted, as on Telegram.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

# Methods starting like a counted one that do not put a message in a chat.
NOT_MESSAGES = frozenset(
    {
        "sendChatAction",
        "sendMessageDraft",
        "sendRichMessageDraft",
        "sendChatJoinRequestWebApp",
        "sendGift",
    }
)
COUNTED_PREFIXES = (
    "send",
    "copyMessage",
    "forwardMessage",
    "editMessage",
    "stopPoll",
    "stopMessageLiveLocation",
)


def counted(method: str) -> bool:
    """Whether a call counts against the flood limits (it shows or changes a message)."""
    return method.startswith(COUNTED_PREFIXES) and method not in NOT_MESSAGES


@dataclass(frozen=True)
class Limits:
    """How much a bot may send; None switches a limit off."""

    per_bot: int | None = 30  # messages in any sliding second, all chats together
    per_chat: float | None = 1.0  # messages a second to one private chat, on average
    chat_burst: int = 3  # ... of which this many may come at once
    per_group_minute: int | None = 20  # messages in any sliding minute to one group
    paid_per_bot: int = 1000  # paid broadcast messages in any sliding second

    @classmethod
    def off(cls) -> Limits:
        """No limit at all (tests of something else that must not be paced)."""
        return cls(per_bot=None, per_chat=None, per_group_minute=None)


class BalanceTooLowError(Exception):
    """A paid broadcast's message the bot's Stars cannot pay for."""


class TooManyRequestsError(Exception):
    """A call past a limit: wait `retry_after` whole seconds."""

    def __init__(self, retry_after: int, which: str) -> None:
        super().__init__(f"Too Many Requests: retry after {retry_after}")
        self.retry_after = retry_after
        self.which = which  # "bot", "chat" or "group": for the test's report


@dataclass
class _Bucket:
    tokens: float
    at: float


@dataclass
class FloodControl:
    """Counts every message call and refuses those past a limit."""

    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], float] = time.monotonic
    refused: dict[str, int] = field(default_factory=lambda: {"bot": 0, "chat": 0, "group": 0})
    _bot: deque[float] = field(default_factory=deque)
    _paid: deque[float] = field(default_factory=deque)
    _chats: dict[str, _Bucket] = field(default_factory=dict)
    _groups: dict[str, deque[float]] = field(default_factory=dict)

    def check(
        self, method: str, chat_id: object, *, paid: bool = False, can_pay: bool = True
    ) -> bool:
        """Count a call, or raise TooManyRequestsError (and count nothing) if it is over a
        limit; a paid broadcast's message past the free allowance is charged (True), or
        refused with BalanceTooLowError when the bot cannot pay."""
        if not counted(method):
            return False
        now = self.clock()
        try:
            return self._check(now, chat_id, paid=paid, can_pay=can_pay)
        except TooManyRequestsError as exc:
            self.refused[exc.which] += 1
            raise

    def _check(self, now: float, chat_id: object, *, paid: bool, can_pay: bool) -> bool:
        lim = self.limits
        charged = False
        if paid:
            _forget_before(self._bot, now - 1.0)
            _forget_before(self._paid, now - 1.0)
            if len(self._paid) >= lim.paid_per_bot:
                raise TooManyRequestsError(_whole(self._paid[0] + 1.0 - now), "bot")
            charged = len(self._bot) + len(self._paid) >= (lim.per_bot or 30)
            if charged and not can_pay:
                raise BalanceTooLowError("Bad Request: BALANCE_TOO_LOW")
        elif lim.per_bot is not None:
            _forget_before(self._bot, now - 1.0)
            if len(self._bot) >= lim.per_bot:
                raise TooManyRequestsError(_whole(self._bot[0] + 1.0 - now), "bot")
        key = str(chat_id)
        group = _is_group(chat_id)
        sent: deque[float] | None = None
        bucket: _Bucket | None = None
        if group and lim.per_group_minute is not None:
            sent = self._groups.setdefault(key, deque())
            _forget_before(sent, now - 60.0)
            if len(sent) >= lim.per_group_minute:
                raise TooManyRequestsError(_whole(sent[0] + 60.0 - now), "group")
        elif not group and lim.per_chat is not None:
            bucket = self._chats.setdefault(key, _Bucket(float(lim.chat_burst), now))
            bucket.tokens = min(
                float(lim.chat_burst), bucket.tokens + (now - bucket.at) * lim.per_chat
            )
            bucket.at = now
            if bucket.tokens < 1.0:
                raise TooManyRequestsError(_whole((1.0 - bucket.tokens) / lim.per_chat), "chat")
        # Within every limit: count it everywhere.
        if paid:
            self._paid.append(now)
        elif lim.per_bot is not None:
            self._bot.append(now)
        if sent is not None:
            sent.append(now)
        if bucket is not None:
            bucket.tokens -= 1.0
        return charged


def _is_group(chat_id: object) -> bool:
    """Groups, supergroups and channels have negative ids (or an @username)."""
    if isinstance(chat_id, int):
        return chat_id < 0
    text = str(chat_id)
    return text.startswith(("-", "@"))


def _forget_before(times: deque[float], cutoff: float) -> None:
    while times and times[0] <= cutoff:
        times.popleft()


def _whole(seconds: float) -> int:
    """Telegram says retry_after in whole seconds, at least 1."""
    return max(1, math.ceil(seconds))
