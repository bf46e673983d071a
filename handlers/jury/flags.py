"""Review flags: what the jury should look at in a ranked entry, found when its round closes.

Each flag has a kind, the figures that raised it (stored with it) and a one-line reason made
from them. An entry's flags are listed most telling first, in the order of `Kind`:

- answer times no person reaches: a median under 2 s a question, or every question under 1 s;
- the entry is on hold (a phone dispute, or held by an organiser);
- its name, phone or year of birth was changed after its first attempt;
- one account's history joins it to other entries (an account linked from one to the other);
- another entry bears the same name and year of birth;
- its prediction is exactly the actual figure, submitted before that figure could be known,
  in a round where the prediction breaks ties for it;
- its phone was typed, not verified (most Zalo entries: common, so said last), and whether
  other entries hold the same phone.

Flags are found for the head of the ranking, the places a prize can reach even when the jury
sets many entries aside (`review_depth`): a round of 300,000 entries is not scanned whole.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from enum import StrEnum
from statistics import median
from typing import TYPE_CHECKING, Any

from handlers.context import Services
from handlers.formatting import date_vn, number_vn
from handlers.ranking import Ranked
from handlers.texts import Raw
from storage.models import Participant
from storage.repos.identity_steps import IDENTITY_FIELDS
from storage.repos.review import Flag

if TYPE_CHECKING:
    from handlers.contest import ContestConfig


class Kind(StrEnum):
    """What a flag says, most telling first."""

    SPEED = "speed"
    ON_HOLD = "on_hold"
    IDENTITY = "identity_edited"
    ACCOUNTS = "accounts"
    NAMESAKE = "namesake"
    PREDICTION = "prediction"
    TYPED_PHONE = "typed_phone"


ORDER = {k.value: i for i, k in enumerate(Kind)}
# Answer times no person reaches: reading a question and its four options takes longer.
MEDIAN_UNDER_MS = 2000
EVERY_UNDER_MS = 1000
# Fewer answers than this say nothing about speed.
MIN_ANSWERED = 3
# At least this many places are reviewed, or ten times the prizes.
MIN_DEPTH = 100


def review_depth(contest: ContestConfig) -> int:
    """How many places of the ranking get flags."""
    return max(MIN_DEPTH, 10 * sum(p.count for p in contest.prizes))


def ordered(flags: Iterable[Flag]) -> list[Flag]:
    """Flags most telling first."""
    return sorted(flags, key=lambda f: ORDER.get(f.kind, len(ORDER)))


async def find(svc: Services, code: str, ranking: Sequence[Ranked], actual: int) -> list[Flag]:
    """The flags of the head of a closed round's ranking."""
    head = list(ranking[: review_depth(svc.contest)])
    ids = [r.participant_id for r in head]
    people = await svc.participants.by_ids(ids)
    found = await _speed(svc, head)
    found += _on_hold(people.values())
    found += await _identity(svc, people.values())
    found += await _accounts(svc, ids)
    found += await _namesakes(svc, people.values())
    found += await _prediction(svc, code, head, ranking, actual)
    found += await _typed(svc, people.values())
    return ordered(found)


def question_times(started_ms: int, answered_ms: Sequence[int | None]) -> list[int]:
    """How long each answered question took (from the previous answer, or the start)."""
    times, last = [], started_ms
    for at in answered_ms:
        if at is None:
            continue
        times.append(max(at - last, 0))
        last = at
    return times


def inhuman(times: Sequence[int]) -> bool:
    """Whether answer times are beyond a person: median under 2 s, or every one under 1 s."""
    if len(times) < MIN_ANSWERED:
        return False
    return median(times) < MEDIAN_UNDER_MS or max(times) < EVERY_UNDER_MS


async def _speed(svc: Services, head: Sequence[Ranked]) -> list[Flag]:
    attempt_ids = [r.attempt_id for r in head]
    if not attempt_ids:
        return []
    facts = await svc.attempts.facts(attempt_ids)
    answered: dict[int, list[int | None]] = defaultdict(list)
    for index, _position, _question, _choice, at in await svc.attempts.answer_lines(attempt_ids):
        answered[attempt_ids[index]].append(at)
    out = []
    for r in head:
        fact = facts.get(r.attempt_id)
        if fact is None:
            continue
        times = question_times(fact.started_ms, answered[r.attempt_id])
        if inhuman(times):
            detail = {"median_ms": int(median(times)), "max_ms": max(times), "answered": len(times)}
            out.append(Flag(r.participant_id, Kind.SPEED, detail))
    return out


def _on_hold(people: Iterable[Participant]) -> list[Flag]:
    return [
        Flag(p.id, Kind.ON_HOLD, {"why": p.held_reason})
        for p in people
        if p.id is not None and p.held_at is not None
    ]


async def _identity(svc: Services, people: Iterable[Participant]) -> list[Flag]:
    edited = {p.id: p for p in people if p.id is not None and p.identity_edited_at is not None}
    if not edited:
        return []
    fields: dict[int, set[str]] = defaultdict(set)
    for entry in await svc.review.audited("participant.edit"):
        pid = entry.detail.get("participant")
        if pid in edited:
            fields[pid] |= set(entry.detail.get("changes", {})) & set(IDENTITY_FIELDS)
    out = []
    for pid, p in edited.items():
        assert p.identity_edited_at is not None
        detail = {
            "fields": [f for f in IDENTITY_FIELDS if f in fields[pid]],
            "at": p.identity_edited_at.isoformat(),
        }
        out.append(Flag(pid, Kind.IDENTITY, detail))
    return out


async def _accounts(svc: Services, ids: Sequence[int]) -> list[Flag]:
    """Entries one account reached over time: linked from one entry to another."""
    links = await svc.review.audited("participant.link")
    if not links or not ids:
        return []
    reached: dict[str, set[int]] = defaultdict(set)
    moved: dict[int, set[int]] = defaultdict(set)
    for entry in links:
        target, previous = entry.detail.get("participant"), entry.detail.get("previous")
        for pid in (target, previous):
            if isinstance(pid, int):
                reached[entry.actor].add(pid)
        if isinstance(target, int) and isinstance(previous, int):
            moved[target].add(previous)
            moved[previous].add(target)
    accounts = await svc.review.accounts_of(ids)
    others: dict[int, set[int]] = {}
    for pid in ids:
        joined = set(moved.get(pid, set()))
        for key in accounts.get(pid, []):
            joined |= reached.get(key, set())
        joined.discard(pid)
        if joined:
            others[pid] = joined
    if not others:
        return []
    existing = await svc.participants.by_ids(sorted(set().union(*others.values())))
    out = []
    for pid, joined in others.items():
        alive = sorted(j for j in joined if j in existing)
        if alive:
            out.append(Flag(pid, Kind.ACCOUNTS, {"others": alive}))
    return out


def _person_key(name: str, year: int) -> tuple[str, int]:
    return " ".join(name.split()).casefold(), year


async def _namesakes(svc: Services, people: Iterable[Participant]) -> list[Flag]:
    mine = {p.id: p for p in people if p.id is not None and p.erased_at is None}
    if not mine:
        return []
    named = await svc.review.named(sorted({p.full_name for p in mine.values()}))
    by_key: dict[tuple[str, int], set[int]] = defaultdict(set)
    for pid, name, year in named:
        by_key[_person_key(name, year)].add(pid)
    out = []
    for pid, p in mine.items():
        others = sorted(by_key[_person_key(p.full_name, p.birth_year)] - {pid})
        if others:
            out.append(Flag(pid, Kind.NAMESAKE, {"others": others}))
    return out


async def _prediction(
    svc: Services, code: str, head: Sequence[Ranked], ranking: Sequence[Ranked], actual: int
) -> list[Flag]:
    """An exact prediction in a tie the prediction breaks: submitted while the round was open,
    so before the actual figure existed; it says how many had taken part by then."""
    if actual <= 0:
        return []
    same_score = Counter(r.correct for r in ranking)
    out = []
    for r in head:
        if r.prediction == actual and same_score[r.correct] > 1:
            known = await svc.review.taking_part_by(code, r.submitted_at)
            out.append(Flag(r.participant_id, Kind.PREDICTION, {"actual": actual, "known": known}))
    return out


async def _typed(svc: Services, people: Iterable[Participant]) -> list[Flag]:
    typed = {p.id: p.phone for p in people if p.id is not None and not p.phone_verified}
    if not typed:
        return []
    holders: dict[str, set[int]] = defaultdict(set)
    for pid, phone in await svc.review.holding_phones(sorted(set(typed.values()))):
        holders[phone].add(pid)
    return [
        Flag(pid, Kind.TYPED_PHONE, {"others": sorted(holders[phone] - {pid})})
        for pid, phone in typed.items()
        if phone  # an anonymised entry has no phone left
    ]


# ------------------------------------------------------------------ what a flag says


def seconds_vn(ms: int) -> str:
    """1,5 giây"""
    return f"{ms / 1000:.1f}".replace(".", ",") + " giây"


# A flag names at most this many other entries, then says how many more.
SHOWN_OTHERS = 5


def _entries(ids: Sequence[Any]) -> str:
    shown = ", ".join(f"#{i}" for i in ids[:SHOWN_OTHERS])
    more = len(ids) - SHOWN_OTHERS
    return f"{shown} (+{more})" if more > 0 else shown


def reason(svc: Services, flag: Flag) -> Raw:
    """The flag's one-line reason, for the jury."""
    texts, d = svc.texts, flag.detail
    if flag.kind == Kind.SPEED:
        return texts(
            "jury.flag_speed",
            median=seconds_vn(d["median_ms"]),
            slowest=seconds_vn(d["max_ms"]),
            answered=d["answered"],
        )
    if flag.kind == Kind.ON_HOLD:
        key = f"jury.hold_{d.get('why') or 'organiser'}"
        why = texts(key) if key in texts.templates else texts("jury.hold_organiser")
        return texts("jury.flag_on_hold", why=why)
    if flag.kind == Kind.IDENTITY:
        names = [str(texts(f"jury.field_{f}")) for f in d.get("fields", [])]
        at = date_vn(datetime.fromisoformat(d["at"]), svc.contest.tz)
        return texts("jury.flag_identity", fields=", ".join(names) or "?", date=at)
    if flag.kind == Kind.ACCOUNTS:
        return texts("jury.flag_accounts", others=_entries(d["others"]))
    if flag.kind == Kind.NAMESAKE:
        return texts("jury.flag_namesake", others=_entries(d["others"]))
    if flag.kind == Kind.PREDICTION:
        return texts(
            "jury.flag_prediction", actual=number_vn(d["actual"]), known=number_vn(d["known"])
        )
    if d.get("others"):
        return texts("jury.flag_typed_shared", others=_entries(d["others"]))
    return texts("jury.flag_typed")
