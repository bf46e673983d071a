"""Pieces several features share: who the user is, the main menu, round lookups."""

from __future__ import annotations

from datetime import datetime

from handlers.context import Services
from handlers.events import Button, Message, User
from handlers.formatting import datetime_vn
from handlers.texts import Raw
from storage.models import Round
from storage.repos.rounds import OPEN, SCHEDULED

# Button tokens of the main menu; the engine routes them to the features.
MENU_REGISTER = "m:reg"
MENU_QUIZ = "m:quiz"
MENU_RULES = "m:rules"
MENU_SCHEDULE = "m:schedule"
MENU_SCORE = "m:score"
MENU_HELP = "m:help"
MENU_PRACTICE = "m:practice"


async def participant_id(svc: Services, user: User) -> int | None:
    """The participant behind this account, or None when the account has not registered."""
    cached = await svc.store.cached_participant(user.key)
    if cached is not None:
        return cached
    person = await svc.participants.by_account(user.channel, user.id)
    if person is None or person.id is None:
        return None
    await svc.store.cache_participant(user.key, person.id)
    return person.id


def register_first(svc: Services, *, practice: bool = False) -> Message:
    """The answer to someone not registered yet, with the button to register."""
    t = svc.texts
    text = t("practice.register_first") if practice else t("quiz.register_first")
    return Message(text, buttons=((Button(t("menu.register"), MENU_REGISTER),),))


def menu(svc: Services, *, registered: bool) -> tuple[tuple[Button, ...], ...]:
    """The main menu buttons."""
    t = svc.texts
    first = (
        Button(t("menu.quiz"), MENU_QUIZ)
        if registered
        else Button(t("menu.register"), MENU_REGISTER)
    )
    second = (
        Button(t("menu.score"), MENU_SCORE) if registered else Button(t("menu.help"), MENU_HELP)
    )
    rows: list[tuple[Button, ...]] = [
        (first, second),
        (Button(t("menu.rules"), MENU_RULES), Button(t("menu.schedule"), MENU_SCHEDULE)),
    ]
    if registered:
        rows.insert(1, (Button(t("menu.practice"), MENU_PRACTICE),))
    return tuple(rows)


def accepting(r: Round, now: datetime) -> bool:
    """Whether a round takes new attempts now: open, and its closing instant not passed."""
    return r.status == OPEN and now <= r.closes_at


async def open_round(svc: Services) -> Round | None:
    """The round that takes attempts now, if any."""
    now = svc.clock.now()
    for r in await svc.rounds.all():
        if accepting(r, now):
            return r
    return None


async def closed_message(svc: Services) -> Raw:
    """What to say when no round takes attempts: when the next one opens, if any."""
    now = svc.clock.now()
    # A round whose opening time has passed but which the scheduler has not opened yet is
    # still the next one; skipping it would send people to the round after.
    upcoming = [r for r in await svc.rounds.all() if r.status == SCHEDULED and r.closes_at > now]
    if upcoming:
        nxt = min(upcoming, key=lambda r: r.opens_at)
        return svc.texts(
            "round.not_open_next", name=nxt.name, opens=datetime_vn(nxt.opens_at, svc.contest.tz)
        )
    return svc.texts("round.none_left")
