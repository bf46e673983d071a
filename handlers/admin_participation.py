"""/admin's participation figures: registrations per locality on the panel, and a round's
participants, attempts and participation rates per unit and per locality (📈), with its
collective prizes. A chat message holds the first lines of each table; the results workbook's
"Thống kê" sheet has them all."""

from __future__ import annotations

from collections.abc import Sequence

from handlers import collective, participation
from handlers.admin_steps import PREFIX
from handlers.context import Services
from handlers.events import Button, Message, Reply
from handlers.figures import focus_round
from handlers.formatting import number_vn
from handlers.lists import NameList
from handlers.participation import Line, percent
from handlers.texts import Raw
from storage.repos.rounds import CLOSED, SCHEDULED

ACTION = "stats"
TOKEN = f"{PREFIX}{ACTION}"
# Lines of each table in a message: with names of up to 200 characters clipped to NAME_SHOWN,
# the message stays well under Telegram's 4,096 characters.
SHOWN = 10
NAME_SHOWN = 60


def _clip(name: str) -> str:
    return name if len(name) <= NAME_SHOWN else name[: NAME_SHOWN - 1] + "…"


async def registered_lines(svc: Services) -> Raw:
    """The panel's registrations per locality: the first few, and how many more there are."""
    t = svc.texts
    counts = await svc.participants.by_locality()
    lines = [
        str(t("admin.locality_line", name=_clip(name), count=number_vn(n)))
        for name, n in counts[:SHOWN]
    ]
    if len(counts) > SHOWN:
        lines.append(str(t("admin.locality_more", n=number_vn(len(counts) - SHOWN))))
    return Raw("\n".join(lines)) if lines else t("admin.none")


def _table(svc: Services, rows: Sequence[Line], names: NameList | None) -> Raw:
    t = svc.texts
    active = sorted((r for r in rows if r.participants), key=lambda r: -r.participants)
    out = []
    for r in active[:SHOWN]:
        values = {"name": _clip(r.name), "people": number_vn(r.participants)}
        if r.headcount:
            line = t(
                "admin.stats_line_rate",
                **values,
                headcount=number_vn(r.headcount),
                rate=percent(r.rate),
                attempts=number_vn(r.attempts),
            )
        else:
            line = t("admin.stats_line", **values, attempts=number_vn(r.attempts))
        out.append(str(line) + (str(t("admin.stats_unlisted")) if not r.listed else ""))
    if len(active) > SHOWN:
        out.append(str(t("admin.stats_more", n=number_vn(len(active) - SHOWN))))
    idle = sum(1 for r in rows if not r.participants)
    if names is not None and idle:
        out.append(str(t("admin.stats_idle", n=number_vn(idle), total=number_vn(len(names)))))
    return Raw("\n".join(out)) if out else t("admin.none")


async def step(svc: Services, code: str, ref: str | None) -> list[Reply]:
    """A round's participation (the open one, else the latest begun), with buttons for the
    other rounds that have begun."""
    t = svc.texts
    rnd = await focus_round(svc, code)
    if rnd is None or rnd.status == SCHEDULED:
        return [Message(t("admin.stats_none"), replace=ref)]
    tables = await participation.of_round(svc, rnd.code)
    whole = participation.total(tables.units, name="")
    final = rnd.status == CLOSED
    state = Raw("") if final else t("admin.stats_provisional")
    awarded, _ = await collective.of_round(svc, rnd.code)
    prizes = Raw("")
    if svc.contest.collective_prizes:
        listed = "\n".join(collective.line_text(svc, a) for a in awarded)
        prizes = t(
            "admin.stats_collective",
            state=state,
            lines=Raw(listed) if listed else t("admin.stats_no_collective"),
        )
    text = t(
        "admin.stats",
        round=rnd.name,
        state=state,
        participants=number_vn(whole.participants),
        attempts=number_vn(whole.attempts),
        units=_table(svc, tables.units, svc.contest.units),
        localities=_table(svc, tables.localities, svc.contest.localities),
        collective=prizes,
    )
    others = [r for r in await svc.rounds.all() if r.status != SCHEDULED and r.code != rnd.code]
    buttons = tuple((Button(r.name, f"{TOKEN}:{r.code}"),) for r in others)
    return [Message(text, buttons=buttons, replace=ref)]
