"""Who took files with whole phone numbers, and when: every path that hands one out records
it in the audit log, and /admin and `quizbot audit --downloads` list them.

The paths: the results workbook's internal copy from /admin (chat), from the dashboard
(web), from `quizbot results --full-phones` (command line), the copy the calendar sends to
each organiser when a round closes (delivery); and `quizbot participants show --full-phones`,
which prints an entry's phones whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import col, select

from handlers.announce import RESULTS_FILE
from handlers.context import Services
from handlers.events import Message, Reply
from handlers.formatting import datetime_vn
from handlers.texts import Raw
from storage.models import AuditEntry

DOWNLOAD = "results.download"
SHOW_PHONES = "participant.show"
# The /admin button that lists them.
TOKEN = "adm:downloads"
SHOWN = 20


@dataclass(frozen=True, slots=True)
class FullPhones:
    """One time whole phones were handed out: to whom, when, what, by which path."""

    at: datetime
    actor: str
    round_code: str  # the round of a results workbook, or "" for an entry's phones
    participant: int | None  # the entry whose phones were shown
    via: str


async def record(
    svc: Services, *, actor: str, round_code: str, full_phones: bool, via: str
) -> None:
    """A results workbook handed out (public or internal copy), in the audit log."""
    await _note(svc, actor, DOWNLOAD, round=round_code, full_phones=full_phones, via=via)


async def delivered(svc: Services, document: str, to: str) -> None:
    """A delivery's document reached an organiser: the internal workbook is a download."""
    if document.startswith(RESULTS_FILE):
        code = document.removeprefix(RESULTS_FILE)
        await record(svc, actor=to, round_code=code, full_phones=True, via="delivery")


async def shown(svc: Services, *, actor: str, participant_id: int) -> None:
    """An entry's phones printed whole, in the audit log."""
    await _note(svc, actor, SHOW_PHONES, participant=participant_id, full_phones=True, via="cli")


async def _note(svc: Services, actor: str, action: str, **what: object) -> None:
    await svc.audit.record(actor=actor, action=action, at=svc.clock.now(), **what)


async def full_phones(svc: Services, limit: int = 50) -> list[FullPhones]:
    """The latest times whole phones were handed out, newest first."""
    async with svc.db.session() as s:
        stmt = (
            select(AuditEntry)
            .where(
                col(AuditEntry.action).in_((DOWNLOAD, SHOW_PHONES)),
                col(AuditEntry.detail)["full_phones"].as_boolean().is_(True),
            )
            .order_by(col(AuditEntry.id).desc())
            .limit(limit)
        )
        return [
            FullPhones(
                e.at,
                e.actor,
                str(e.detail.get("round", "")),
                e.detail.get("participant"),
                str(e.detail.get("via", "")),
            )
            for e in await s.exec(stmt)
        ]


def via_label(svc: Services, via: str) -> str:
    """Which path a download took, as organisers read it."""
    t = svc.texts
    labels = {
        "chat": t("downloads.via_chat"),
        "web": t("downloads.via_web"),
        "cli": t("downloads.via_cli"),
        "delivery": t("downloads.via_delivery"),
    }
    return labels.get(via, via or "?")


async def panel(svc: Services, ref: str | None) -> list[Reply]:
    """/admin's list of who took files with whole phones, and when."""
    t = svc.texts
    rounds = {r.code: r.name for r in svc.contest.rounds}
    lines = [
        t(
            "downloads.line",
            at=datetime_vn(f.at, svc.contest.tz),
            who=f.actor,
            what=t("downloads.results", round=rounds.get(f.round_code, f.round_code))
            if f.round_code
            else t("downloads.entry", id=f.participant),
            via=via_label(svc, f.via),
        )
        for f in await full_phones(svc, SHOWN)
    ]
    body = Raw("\n".join(lines)) if lines else t("admin.none")
    return [Message(t("downloads.list", n=SHOWN, lines=body), replace=ref)]
