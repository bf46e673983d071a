"""Start, help, the rules (thể lệ) and the schedule: what the contest is and when it runs."""

from __future__ import annotations

import re

from handlers.common import menu, participant_id
from handlers.context import Services
from handlers.events import Message, Reply, User
from handlers.formatting import datetime_vn, number_vn
from handlers.texts import Raw

# What a Telegram deep-link payload may hold (t.me/<bot>?start=<payload>): anything else typed
# after /start is not a source and must not reach the database (NUL, bidirectional controls).
_PAYLOAD = re.compile(r"[^A-Za-z0-9_-]")

STATUS_KEYS = {
    "scheduled": "schedule.status_scheduled",
    "open": "schedule.status_open",
    "closed": "schedule.status_closed",
}


async def start(svc: Services, user: User, payload: str = "") -> list[Reply]:
    """The welcome, with the menu; a deep-link payload is kept as where the person came from."""
    registered = await participant_id(svc, user) is not None
    payload = _PAYLOAD.sub("", payload)
    if payload and not registered:
        conv = await svc.store.conversation(user.key)
        conv["src"] = payload[:64]
        await svc.store.save_conversation(user.key, conv)
    c = svc.contest.contest
    key = "start.welcome_back" if registered else "start.welcome"
    text = svc.texts(key, title=c.title, organiser=c.organiser, name=user.name or "bạn")
    return [Message(text, buttons=menu(svc, registered=registered))]


async def help_(svc: Services, user: User) -> list[Reply]:
    """How to use the bot."""
    registered = await participant_id(svc, user) is not None
    return [Message(svc.texts("help.text"), buttons=menu(svc, registered=registered))]


def rules_text(svc: Services) -> Raw:
    """The rules, generated from the contest file."""
    cfg = svc.contest
    t = svc.texts
    r = cfg.rules
    tz = cfg.tz
    rounds = "\n".join(
        str(
            t(
                "rules.round_line",
                name=rd.name,
                opens=datetime_vn(cfg.window(rd.code)[0], tz),
                closes=datetime_vn(cfg.window(rd.code)[1], tz),
            )
        )
        for rd in cfg.rounds
    )
    prizes = "\n".join(
        str(t("rules.prize_line", name=p.name, count=p.count)) for p in cfg.prizes if p.count
    )
    if r.attempts_per_round:
        attempts = t(
            "rules.attempts_round", per_day=r.attempts_per_day, per_round=r.attempts_per_round
        )
    else:
        attempts = t("rules.attempts_day", per_day=r.attempts_per_day)
    return t(
        "rules.text",
        title=cfg.contest.title,
        organiser=cfg.contest.organiser,
        eligibility=cfg.contest.eligibility,
        rounds=Raw(rounds),
        questions=r.questions_per_attempt,
        minutes=r.time_limit_minutes,
        attempts=attempts,
        prediction=r.prediction.question,
        prizes=Raw(prizes),
        award=cfg.contest.award,
    )


async def rules(svc: Services, user: User) -> list[Reply]:
    """The rules (thể lệ)."""
    return [Message(rules_text(svc))]


async def schedule(svc: Services, user: User) -> list[Reply]:
    """Each round's window in local time and its status."""
    tz = svc.contest.tz
    lines = []
    for r in await svc.rounds.all():
        status = svc.texts(STATUS_KEYS.get(r.status, "schedule.status_scheduled"))
        lines.append(
            str(
                svc.texts(
                    "schedule.line",
                    name=r.name,
                    opens=datetime_vn(r.opens_at, tz),
                    closes=datetime_vn(r.closes_at, tz),
                    status=status,
                )
            )
        )
        if r.actual_figure is not None:
            lines.append(str(svc.texts("schedule.actual", count=number_vn(r.actual_figure))))
    return [Message(svc.texts("schedule.text", lines=Raw("\n".join(lines))))]


async def unknown_command(svc: Services, user: User) -> list[Reply]:
    """A command the bot does not have."""
    registered = await participant_id(svc, user) is not None
    return [Message(svc.texts("help.unknown_command"), buttons=menu(svc, registered=registered))]


async def unknown_text(svc: Services, user: User) -> list[Reply]:
    """Text outside any flow. Someone not registered yet gets the welcome and the menu: on Zalo
    there is no Start button, so a newcomer's first message is "xin chào" or the like."""
    if await participant_id(svc, user) is None:
        return await start(svc, user)
    return [Message(svc.texts("help.unknown_text"), buttons=menu(svc, registered=True))]


async def unsupported(svc: Services, user: User) -> list[Reply]:
    """A sticker, a photo or anything else the contest cannot use."""
    return [Message(svc.texts("help.unsupported"))]
