"""Retention: `data_retention_days` after the contest's last round closes, every entry is
anonymised (names, phones, years of birth, accounts), keeping what the prize records need.

The calendar runs it once when due (bot.scheduler), and `quizbot data purge` by hand
(`--dry-run` shows what it would do). It is the erasure of storage.repos.erasure applied to
every entry not anonymised yet, a chunk at a time: run again, it finishes what an
interruption left and then finds nothing to do. A finished purge is in the audit log
(`data.purge`, naming the contest), which is how the calendar knows it is done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import col, select

from handlers.contest import ContestConfig
from handlers.context import Services
from storage.models import AuditEntry
from storage.repos.erasure import Erased
from storage.repos.rounds import OPEN

PURGE = "data.purge"
# Phones tried and wrong linking codes are counted per local day and live two days.
COUNTER_DAYS = 3


class PurgeRefusedError(Exception):
    """The purge cannot run now; the message says why, in Vietnamese."""


class PurgeNotDueError(PurgeRefusedError):
    """The retention time has not run out yet."""


@dataclass(frozen=True)
class PurgeReport:
    """What a purge did, or would do (`dry_run`), and when it is due."""

    due: datetime
    erased: Erased
    dry_run: bool
    done_at: datetime | None  # when an earlier purge of this contest finished, if one did


def due(contest: ContestConfig) -> datetime:
    """When the retention time of the contest's data runs out: the configured days after
    its last round closes."""
    last = max(contest.window(r.code)[1] for r in contest.rounds)
    return last + timedelta(days=contest.data_retention_days)


async def done_at(svc: Services) -> datetime | None:
    """When this contest's purge finished, if it has."""
    async with svc.db.session() as s:
        stmt = (
            select(AuditEntry.at)
            .where(
                AuditEntry.action == PURGE,
                col(AuditEntry.detail)["contest"].as_string() == svc.contest.contest.code,
            )
            .order_by(col(AuditEntry.id))
            .limit(1)
        )
        return (await s.exec(stmt)).first()


async def purge(
    svc: Services, *, actor: str, dry_run: bool = False, before_due: bool = False
) -> PurgeReport:
    """Anonymise every entry not anonymised yet (or, with `dry_run`, count what would go).

    Refused (PurgeRefusedError) before the due date unless `before_due`, and while a round
    is open: its attempts would go from under the people taking it.
    """
    now = svc.clock.now()
    when = due(svc.contest)
    if not dry_run:
        if now < when and not before_due:
            raise PurgeNotDueError(f"chưa tới hạn ẩn danh ({_local(svc, when)})")
        if any(r.status == OPEN for r in await svc.rounds.all()):
            raise PurgeRefusedError("đang có đợt thi mở; hãy đóng đợt thi trước")
    days = recent_days(svc)

    async def forget(chunk: Erased) -> None:
        await svc.erasure_store.forget(chunk.user_keys, days)

    erased = await svc.erasure.erase_everyone(
        now=now, dry_run=dry_run, on_chunk=None if dry_run else forget
    )
    if not dry_run:
        await svc.audit.record(
            actor=actor,
            action=PURGE,
            at=now,
            contest=svc.contest.contest.code,
            due=when.isoformat(),
            entries=erased.entries,
            deleted=erased.deleted,
            accounts=erased.accounts,
            attempts_deleted=erased.attempts,
            prizes_kept=erased.prizes,
        )
    return PurgeReport(when, erased, dry_run, await done_at(svc))


async def when_due(svc: Services) -> PurgeReport | None:
    """The calendar's purge: once, when due; None when not due or done already."""
    if svc.clock.now() < due(svc.contest) or await done_at(svc) is not None:
        return None
    return await purge(svc, actor="scheduler")


def recent_days(svc: Services) -> list[str]:
    """The local days whose per-account counters may still be in the session store."""
    today = svc.clock.now().astimezone(svc.contest.tz).date()
    return [(today - timedelta(days=n)).isoformat() for n in range(COUNTER_DAYS)]


def _local(svc: Services, instant: datetime) -> str:
    local = instant.astimezone(svc.contest.tz)
    return f"{local:%H:%M:%S ngày %d/%m/%Y}"
