"""Registration's locality and unit steps: picked from the organiser's lists.

A short list (up to MAX_MATCHES entries) is offered whole. A longer one is searched: the
participant types part of a name, with or without diacritics, and picks among the best
MAX_MATCHES matches (buttons on Telegram; Zalo and the console number them); a text that names
one entry exactly is taken at once. "Khác" is always offered: the participant then types the
name, which is kept as typed (the organisers see it marked as not from the list, see
handlers.participation); at the unit step "Người dân" is too. Without a units list the unit is
typed freely, as before lists existed.

    locality/unit --(text)--> matches --(pick)--> next step
         |                      |
         +------(Khác)----------+--> typed name --> next step
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Services
from handlers.details import clean, valid_unit
from handlers.events import Button, Message, Reply, User
from handlers.lists import MAX_LOCALITY, NameList
from handlers.lists.search import bare
from questions.formats.common import fold

LOCALITY, UNIT = "locality", "unit"
TOKENS = {LOCALITY: "r:loc:", UNIT: "r:unit:"}
OTHER, SEARCH, RESIDENT = "other", "search", "resident"
# Matches offered at once: a screen of buttons, a short numbered list on Zalo.
MAX_MATCHES = 8
# How much of what was typed a reply repeats.
QUERY_SHOWN = 60


@dataclass(frozen=True, slots=True)
class Picked:
    """The value a step stores: a list's label, what was typed after "Khác", or Người dân."""

    value: str


Outcome = Picked | list[Reply]


def token(field: str, what: str | int) -> str:
    """The token of a button of the locality or unit step."""
    return f"{TOKENS[field]}{what}"


def names_of(svc: Services, field: str) -> NameList | None:
    """The list a step picks from (no units list: the unit is typed)."""
    return svc.contest.localities if field == LOCALITY else svc.contest.units


def resident(svc: Services) -> str:
    """What a participant who works for no agency stores as their unit."""
    return str(svc.texts("register.resident"))


def _extras(svc: Services, field: str) -> tuple[tuple[Button, ...], ...]:
    """What is offered whatever the list holds: Người dân (unit) and Khác."""
    t = svc.texts
    row = [Button(t("register.other"), token(field, OTHER))]
    if field == UNIT:
        row.insert(0, Button(t("register.resident"), token(UNIT, RESIDENT)))
    return (tuple(row),)


def _entries(names: NameList, positions: list[int], field: str) -> tuple[tuple[Button, ...], ...]:
    """Entries as buttons: two a row when the whole short list is shown, else one a row
    (matches of a long list may have long names)."""
    buttons = [Button(names[i], token(field, i)) for i in positions]
    per_row = 2 if len(positions) == len(names) else 1
    return tuple(tuple(buttons[j : j + per_row]) for j in range(0, len(buttons), per_row))


def _example(names: NameList) -> str:
    """Something to type, from the list itself: the last words of its first name, unaccented."""
    words = bare(fold(names.entries[0].name)).split()
    return " ".join(words[-2:])


def prompt(svc: Services, field: str, conv: dict[str, str]) -> Message:
    """The question of the locality or unit step."""
    t = svc.texts
    if conv.get("other") == field:
        ask = (
            t("register.ask_locality_other") if field == LOCALITY else t("register.ask_unit_other")
        )
        return Message(ask, buttons=((Button(t("register.search_again"), token(field, SEARCH)),),))
    names = names_of(svc, field)
    if names is None:
        return Message(
            t("register.ask_unit"),
            buttons=((Button(t("register.resident"), token(UNIT, RESIDENT)),),),
        )
    if len(names) <= MAX_MATCHES:
        ask = t("register.ask_locality") if field == LOCALITY else t("register.ask_unit_pick")
        return Message(
            ask, buttons=_entries(names, list(range(len(names))), field) + _extras(svc, field)
        )
    example = _example(names)
    ask = (
        t("register.ask_locality_search", example=example)
        if field == LOCALITY
        else t("register.ask_unit_search", example=example)
    )
    return Message(ask, buttons=_extras(svc, field))


async def _other(
    svc: Services, user: User, field: str, conv: dict[str, str], on: bool
) -> list[Reply]:
    """Switch to typing a name not in the list (Khác), or back to searching the list."""
    if on:
        conv["other"] = field
    else:
        conv.pop("other", None)
    await svc.store.save_conversation(user.key, conv)
    return [prompt(svc, field, conv)]


async def on_text(
    svc: Services, user: User, field: str, conv: dict[str, str], text: str
) -> Outcome:
    """What was typed at the locality or unit step: a search, a name after Khác, or a unit
    typed freely when there is no units list."""
    value = clean(text)
    folded = fold(value)
    if field == UNIT and folded in {fold(resident(svc)), "nguoi dan"}:
        return Picked(resident(svc))
    names = names_of(svc, field)
    if conv.get("other") == field or names is None:
        return _typed(svc, field, names, value)
    if folded == fold(str(svc.texts("register.other"))):
        return await _other(svc, user, field, conv, on=True)
    found = names.search(value, MAX_MATCHES)
    if found.exact is not None:
        return Picked(names[found.exact])
    return [_matches(svc, field, names, value, found.positions, found.total)]


def _matches(
    svc: Services, field: str, names: NameList, query: str, positions: list[int], total: int
) -> Message:
    t = svc.texts
    shown = query if len(query) <= QUERY_SHOWN else query[: QUERY_SHOWN - 1] + "…"
    if not total:
        text = (
            t("register.locality_not_found", query=shown)
            if field == LOCALITY
            else t("register.unit_not_found", query=shown)
        )
        # A short list is shown again whole; a long one waits for another try.
        every = list(range(len(names))) if len(names) <= MAX_MATCHES else []
        return Message(text, buttons=_entries(names, every, field) + _extras(svc, field))
    if total > len(positions):
        text = (
            t("register.locality_many", query=shown, count=total, shown=len(positions))
            if field == LOCALITY
            else t("register.unit_many", query=shown, count=total, shown=len(positions))
        )
    else:
        text = (
            t("register.locality_found", query=shown, count=total)
            if field == LOCALITY
            else t("register.unit_found", query=shown, count=total)
        )
    return Message(text, buttons=_entries(names, positions, field) + _extras(svc, field))


def _typed(svc: Services, field: str, names: NameList | None, value: str) -> Outcome:
    """A name typed after Khác (or a unit typed when there is no list): checked, and the
    list's own spelling when it names an entry after all."""
    t = svc.texts
    if names is not None and (listed := names.named(value)) is not None:
        return Picked(listed)
    letters = sum(c.isalpha() for c in value)
    if field == LOCALITY:
        if not (2 <= len(value) <= MAX_LOCALITY) or letters < 2 or fold(value) == "khac":
            return [Message(t("register.bad_locality_other", max=MAX_LOCALITY))]
        return Picked(value)
    if not valid_unit(value) or (names is not None and (letters < 2 or fold(value) == "khac")):
        return [Message(t("register.bad_unit"))]
    return Picked(value)


async def on_choice(
    svc: Services, user: User, field: str, conv: dict[str, str], choice: str
) -> Outcome | None:
    """A button of the locality or unit step (`choice`: what follows the step's prefix);
    None when it is no button of this step."""
    names = names_of(svc, field)
    if choice == RESIDENT and field == UNIT:
        return Picked(resident(svc))
    if names is None:
        return None
    if choice == OTHER:
        return await _other(svc, user, field, conv, on=True)
    if choice == SEARCH:
        return await _other(svc, user, field, conv, on=False)
    if not (choice.isascii() and choice.isdigit()) or len(choice) > 6:
        return None
    index = int(choice)
    return Picked(names[index]) if index < len(names) else None
