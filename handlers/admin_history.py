"""The panel's recent broadcasts: what each one was, to whom it went, and how far it got."""

from __future__ import annotations

from handlers import paid_broadcast
from handlers.context import Services
from handlers.formatting import number_vn
from handlers.texts import Raw, plain
from storage.repos.audiences import ALL
from storage.repos.broadcasts import BroadcastStatus

SHOWN = 3
EXCERPT_WORDS = 8


async def broadcast_history(svc: Services) -> Raw:
    """One line per recent broadcast, newest first."""
    rows = await svc.broadcasts.recent(SHOWN)
    if not rows:
        return svc.texts("admin.none")
    names = {r.code: r.name for r in await svc.rounds.all()}
    return Raw("\n".join(_line(svc, b, names) for b in rows))


def _line(svc: Services, b: BroadcastStatus, names: dict[str, str]) -> str:
    t = svc.texts
    counts = (
        t(
            "admin.broadcast_counts",
            sent=number_vn(b.sent),
            failed=number_vn(b.failed),
            remaining=number_vn(b.remaining),
        )
        if b.recipients
        else t("admin.broadcast_nobody")
    )
    if paid := paid_broadcast.progress(svc, b):
        counts = Raw(f"{counts}; {paid}")
    return str(
        t(
            "admin.broadcast_line",
            id=b.id,
            what=_what(svc, b, names),
            audience=_audience(svc, b.audience, names),
            counts=counts,
            status=t(f"admin.broadcast_{b.status}"),
        )
    )


def _what(svc: Services, b: BroadcastStatus, names: dict[str, str]) -> str:
    """The kind of a scheduled announcement (its key, "open:2023-Q1"), else its first words."""
    t = svc.texts
    kind, _, rest = (b.key or "").partition(":")
    code, _, extra = rest.partition(":")
    name = names.get(code, code)
    if kind == "open":
        return t("admin.history_open", round=name)
    if kind == "remind" and extra.isdigit():
        return t("admin.history_remind", round=name, days=extra)
    if kind == "winners":
        return t("admin.history_winners", round=name)
    if kind == "winners-personal":
        return t("admin.history_congratulations", round=name)
    return t("admin.history_excerpt", words=_excerpt(svc, b.text) or b.key or "…")


def _excerpt(svc: Services, text: str) -> str:
    """The first words of a message, without the heading every organisers' broadcast has."""
    shown = plain(text).strip()
    heading = plain(svc.texts("broadcast.message", text="")).strip()
    if heading and shown.startswith(heading):
        shown = shown[len(heading) :]
    words = shown.split()
    more = "…" if len(words) > EXCERPT_WORDS else ""
    return " ".join(words[:EXCERPT_WORDS]) + more


def _audience(svc: Services, audience: str, names: dict[str, str]) -> str:
    t = svc.texts
    kind, _, code = audience.partition(":")
    if audience == ALL:
        return t("admin.audience_all")
    if kind == "round":
        return t("admin.audience_round", round=names.get(code, code))
    if kind == "absent":
        return t("admin.audience_absent", round=names.get(code, code))
    if kind == "personal":
        return t("admin.audience_personal")
    return audience
