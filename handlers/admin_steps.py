"""Organisers' buttons: what each one stands for, and the one-time code of steps that act;
who is an organiser, and what a step whose state is gone says.

Tokens (each well under Telegram's 64 bytes):
    adm:<action>                    a menu entry: bc, res, open, close, bank
    adm:<action>:<round>            a round picked (res, open, close)
    adm:<step>:<choice>:<code>      a choice on a step that changes something
    adm:jury:<round>:<choice>:<code> the jury's review: a page (p2), set aside or restore an
                                    entry (a123, r123: its participant id), approve (ok, yes)

A step that changes something (send an announcement, open or close a round, replace the
question bank, hand out a results file, or cancel one of these) shows buttons carrying a
one-time code issued to that organiser for that step. The first tap naming the code claims it
in the session store, atomically (SessionStore.claim_step); a second tap, one handled at the
same moment by another process, or a replayed update finds it claimed and gets a short notice,
nothing else. Showing a step again issues a new code, so the buttons shown before stop working.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from handlers.context import Services
from handlers.events import Button, Message, Notice, Reply, User
from storage.models import Round

PREFIX = "adm:"
CANCEL = "no"
# Rounds' own banks an import can be for (contest.yaml rounds[].bank): one button each.
MAX_ROUND_BANKS = 12
# Actions whose steps name a round.
WITH_ROUND = frozenset({"res", "open", "close", "stats", "jury"})
# The choices each action's one-time buttons offer.
CHOICES = {
    # "go": sent at the free pace; "paid": with Telegram's paid broadcasts.
    "bc": frozenset({"go", "paid", CANCEL}),
    # "go": the active bank; "r<i>": the i-th of the rounds' own banks (contest.round_banks).
    "bank": frozenset({"go", CANCEL, *(f"r{i}" for i in range(MAX_ROUND_BANKS))}),
    # "sample": opened although the active bank is the sample one (handlers.sample_bank).
    "open": frozenset({"yes", "sample", CANCEL}),
    "close": frozenset({"yes", CANCEL}),
    "res": frozenset({"public", "full"}),
    "jury": frozenset(),
    # Participation per unit and locality (handlers.admin_participation): nothing to choose.
    "stats": frozenset(),
}
# The jury's choices carry a page or a participant id (handlers.admin_jury).
PATTERNS = {"jury": re.compile(r"p\d{1,6}|[ar]\d{1,12}|ok|yes|no", re.ASCII)}


def is_admin(svc: Services, user: User) -> bool:
    """Whether this account is one of the organisers listed in the settings."""
    return user.key in svc.admins


def stale(svc: Services, ref: str | None) -> list[Reply]:
    """A step whose state is gone (expired, or done elsewhere): say so where its buttons were."""
    t = svc.texts
    return [Notice(t("common.expired_button")), Message(t("admin.stale"), replace=ref)]


def pick_round(
    action: str, rounds: Sequence[Round], *, ask: str, none: str, ref: str | None
) -> list[Reply]:
    """The first step of an action on a round: `ask`, with a button for each of `rounds`, or
    `none` when there is no round to act on; shown where the menu's button was (`ref`)."""
    if not rounds:
        return [Message(none, replace=ref)]
    buttons = tuple((Button(r.name, f"{PREFIX}{action}:{r.code}"),) for r in rounds)
    return [Message(ask, buttons=buttons, replace=ref)]


def _allowed(action: str, choice: str) -> bool:
    pattern = PATTERNS.get(action)
    if pattern is not None:
        return pattern.fullmatch(choice) is not None
    return choice in CHOICES[action]


@dataclass(frozen=True, slots=True)
class Tap:
    """An organiser's button, read: the action, its round, and a choice with its one-time code."""

    action: str
    arg: str = ""
    choice: str = ""
    code: str = ""

    @property
    def step(self) -> str:
        """What a one-time code is issued for: the action, and its round if it has one."""
        return f"{self.action}:{self.arg}" if self.arg else self.action

    @classmethod
    def parse(cls, token: str) -> Tap | None:
        """The tap a token stands for; None for a token no current button carries."""
        action, *rest = token.removeprefix(PREFIX).split(":")
        if action not in CHOICES:
            return None
        arg = rest.pop(0) if action in WITH_ROUND and rest else ""
        if not rest:
            return cls(action, arg)
        if len(rest) != 2 or not _allowed(action, rest[0]) or not rest[1]:
            return None
        if action in WITH_ROUND and not arg:
            return None
        return cls(action, arg, rest[0], rest[1])


async def one_time_buttons(
    svc: Services, user: User, step: str, choices: tuple[tuple[str, str], ...]
) -> tuple[Button, ...]:
    """Buttons (label, choice) for a step that acts, sharing a new one-time code."""
    code = await svc.store.issue_step(user.key, step)
    return tuple(Button(label, f"{PREFIX}{step}:{choice}:{code}") for label, choice in choices)


async def confirm_row(
    svc: Services, user: User, step: str, label: str, choice: str
) -> tuple[tuple[Button, ...]]:
    """The one row of a confirmation: the action's button and Cancel."""
    cancel = str(svc.texts("admin.button_cancel"))
    return (await one_time_buttons(svc, user, step, ((label, choice), (cancel, CANCEL))),)
