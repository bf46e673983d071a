"""Organisers in chat: live figures, broadcasts, opening and closing rounds, the question bank,
and the results workbook. Only accounts listed as admins reach any of this; to anyone else
these commands answer as an unknown command would.
"""

from __future__ import annotations

from handlers import info, sample_bank
from handlers.context import Services
from handlers.events import Button, Document, Message, Notice, Reply, Upload, User
from handlers.formatting import number_vn
from handlers.reports import results_workbook
from handlers.rounds import close_round, open_round, round_results
from handlers.texts import Raw
from questions import BankError
from questions.bank import MAX_FILE_BYTES
from questions.isolated import load_bank_isolated
from storage.repos.rounds import OPEN, SCHEDULED

PREFIX = "adm:"
STEP_BROADCAST = "adm:broadcast"
MAX_ERROR_LINES = 30
MAX_BROADCAST_CHARS = 3500


def is_admin(svc: Services, user: User) -> bool:
    """Whether this account is one of the organisers listed in the settings."""
    return user.key in svc.admins


async def panel(svc: Services, user: User) -> list[Reply]:
    """Live figures and the organisers' menu."""
    if not is_admin(svc, user):
        return await info.unknown_command(svc, user)
    t = svc.texts
    now = svc.clock.now()
    today = now.astimezone(svc.contest.tz).date().isoformat()
    by_locality = await svc.participants.by_locality()
    lines = "\n".join(
        str(t("admin.locality_line", name=name, count=number_vn(n))) for name, n in by_locality
    ) or str(t("admin.none"))
    current = next((r for r in await svc.rounds.all() if r.status == OPEN), None)
    text = t(
        "admin.panel",
        round=current.name if current else t("admin.no_round"),
        participants=number_vn(await svc.participants.count()),
        today=number_vn(await svc.attempts.count_on_day(today)),
        live=number_vn(await svc.store.live_count()),
        localities=Raw(lines),
        broadcasts=await _broadcast_lines(svc),
    )
    if public := await sample_bank.public_questions(svc):
        text = Raw(f"{text}\n\n{sample_bank.warning(svc, public)}")
    return [
        Message(
            text,
            buttons=(
                (
                    Button(t("admin.button_broadcast"), "adm:bc"),
                    Button(t("admin.button_results"), "adm:res"),
                ),
                (
                    Button(t("admin.button_open"), "adm:open"),
                    Button(t("admin.button_close"), "adm:close"),
                ),
                (Button(t("admin.button_bank"), "adm:bank"),),
            ),
        )
    ]


async def _broadcast_lines(svc: Services) -> Raw:
    rows = await svc.broadcasts.recent(3)
    if not rows:
        return svc.texts("admin.none")
    return Raw(
        "\n".join(
            str(
                svc.texts(
                    "admin.broadcast_line",
                    id=b.id,
                    sent=b.sent,
                    failed=b.failed,
                    remaining=b.remaining,
                    status=svc.texts(f"admin.broadcast_{b.status}"),
                )
            )
            for b in rows
        )
    )


async def on_choice(svc: Services, user: User, token: str) -> list[Reply]:
    """An organiser's button."""
    t = svc.texts
    if not is_admin(svc, user):
        return [Notice(t("common.expired_button"))]
    parts = token.split(":")
    action = parts[1] if len(parts) > 1 else ""
    arg = parts[2] if len(parts) > 2 else ""
    if action == "bc":
        return await _broadcast_step(svc, user, arg)
    if action in {"open", "close"}:
        return await _round_step(svc, user, action, arg, parts[3] if len(parts) > 3 else "")
    if action == "res":
        return await _results_step(
            svc, user, arg, full=parts[3] == "full" if len(parts) > 3 else None
        )
    if action == "bank":
        return await _bank_step(svc, user, arg)
    if action == "cancel":
        await svc.store.clear_conversation(user.key)
        await svc.store.take_upload(user.key)
        return [Message(t("admin.cancelled"))]
    return [Notice(t("common.expired_button"))]


# ------------------------------------------------------------------ broadcast


async def _broadcast_step(svc: Services, user: User, arg: str) -> list[Reply]:
    t = svc.texts
    if arg == "":
        await svc.store.save_conversation(user.key, {"step": STEP_BROADCAST})
        return [Message(t("admin.broadcast_ask"))]
    conv = await svc.store.conversation(user.key)
    if conv.get("step") != STEP_BROADCAST or "text" not in conv:
        return [Notice(t("common.expired_button"))]
    await svc.store.clear_conversation(user.key)
    now = svc.clock.now()
    message = t("broadcast.message", text=conv["text"])
    broadcast_id, count = await svc.broadcasts.create(message, actor=user.key, now=now)
    await svc.audit.record(
        actor=user.key, action="broadcast.start", at=now, broadcast=broadcast_id, recipients=count
    )
    return [Message(t("admin.broadcast_started", id=broadcast_id, count=number_vn(count)))]


async def on_text(svc: Services, user: User, conv: dict[str, str], text: str) -> list[Reply]:
    """Text typed by an organiser in the middle of an admin flow (the broadcast message)."""
    t = svc.texts
    text = text.strip()
    if not text or len(text) > MAX_BROADCAST_CHARS:
        return [Message(t("admin.broadcast_length", max=MAX_BROADCAST_CHARS))]
    conv["text"] = text
    await svc.store.save_conversation(user.key, conv)
    recipients = await svc.broadcasts.audience_size()
    return [
        Message(
            t("admin.broadcast_preview", text=text, count=number_vn(recipients)),
            buttons=(
                (
                    Button(t("admin.button_send"), "adm:bc:go"),
                    Button(t("admin.button_cancel"), "adm:cancel"),
                ),
            ),
        )
    ]


def in_admin_flow(conv: dict[str, str]) -> bool:
    """Whether the stored conversation is an organiser's flow."""
    return conv.get("step", "").startswith(PREFIX)


# ------------------------------------------------------------------ rounds


async def _round_step(
    svc: Services, user: User, action: str, code: str, answer: str
) -> list[Reply]:
    t = svc.texts
    confirm = answer in {"yes", sample_bank.CONFIRMED}
    wanted = SCHEDULED if action == "open" else OPEN
    rounds = [r for r in await svc.rounds.all() if r.status == wanted]
    if not code:
        if not rounds:
            return [Message(t(f"admin.{action}_none"))]
        return [
            Message(
                t(f"admin.{action}_pick"),
                buttons=tuple((Button(r.name, f"adm:{action}:{r.code}"),) for r in rounds),
            )
        ]
    target = next((r for r in rounds if r.code == code), None)
    if target is None:
        return [Notice(t("common.expired_button"))]
    if not confirm:
        text = t(f"admin.{action}_confirm", name=target.name)
        if action == "open" and (public := await sample_bank.public_questions(svc)):
            text = Raw(f"{text}\n\n{sample_bank.warning(svc, public)}")
        return [
            Message(
                text,
                buttons=(
                    (
                        Button(t("admin.button_yes"), f"adm:{action}:{code}:yes"),
                        Button(t("admin.button_cancel"), "adm:cancel"),
                    ),
                ),
            )
        ]
    if action == "open":
        if again := await sample_bank.open_step(svc, code, target.name, answer):
            return again
        await open_round(svc, code, actor=user.key)
        return [Message(t("admin.opened", name=target.name))]
    results = await close_round(svc, code, actor=user.key)
    return [
        Message(
            t(
                "admin.closed",
                name=target.name,
                actual=number_vn(results.actual),
                winners=len(results.awards),
            )
        ),
        Document(
            f"ket-qua-{code}.xlsx",
            await results_workbook(svc, results, full_phones=True),
            caption=str(t("admin.results_caption_full", name=target.name)),
        ),
    ]


# ------------------------------------------------------------------ results


async def _results_step(svc: Services, user: User, code: str, *, full: bool | None) -> list[Reply]:
    t = svc.texts
    rounds = [r for r in await svc.rounds.all() if r.status != SCHEDULED]
    if not code:
        if not rounds:
            return [Message(t("admin.results_none"))]
        return [
            Message(
                t("admin.results_pick"),
                buttons=tuple((Button(r.name, f"adm:res:{r.code}"),) for r in rounds),
            )
        ]
    target = next((r for r in rounds if r.code == code), None)
    if target is None:
        return [Notice(t("common.expired_button"))]
    if full is None:
        return [
            Message(
                t("admin.results_kind", name=target.name),
                buttons=(
                    (
                        Button(t("admin.button_public"), f"adm:res:{code}:public"),
                        Button(t("admin.button_full"), f"adm:res:{code}:full"),
                    ),
                ),
            )
        ]
    results = await round_results(svc, code)
    await svc.audit.record(
        actor=user.key, action="results.download", at=svc.clock.now(), round=code, full_phones=full
    )
    caption = (
        t("admin.results_caption_full", name=target.name)
        if full
        else t("admin.results_caption", name=target.name)
    )
    suffix = "noi-bo" if full else "cong-bo"
    return [
        Document(
            f"ket-qua-{code}-{suffix}.xlsx",
            await results_workbook(svc, results, full_phones=full),
            caption=str(caption),
        )
    ]


# ------------------------------------------------------------------ question bank


async def _bank_step(svc: Services, user: User, arg: str) -> list[Reply]:
    t = svc.texts
    if arg == "":
        return [Message(t("admin.bank_ask", max=MAX_FILE_BYTES // (1024 * 1024)))]
    pending = await svc.store.take_upload(user.key) if arg == "go" else None
    if pending is None:
        return [Notice(t("common.expired_button"))]
    filename, data = pending
    bank = await load_bank_isolated(data, filename)
    now = svc.clock.now()
    count = await svc.questions.replace_active(bank.name, bank.questions, now)
    await svc.audit.record(
        actor=user.key,
        action="questions.import",
        at=now,
        bank=bank.name,
        count=count,
        file=filename,
    )
    return [Message(t("admin.bank_replaced", count=count, file=filename))]


async def on_upload(svc: Services, user: User, upload: Upload) -> list[Reply]:
    """A file from an organiser: a question bank to check, then confirm."""
    t = svc.texts
    if not is_admin(svc, user):
        return await info.unsupported(svc, user)
    if upload.size > MAX_FILE_BYTES or not upload.data:
        return [Message(t("admin.bank_too_big", max=MAX_FILE_BYTES // (1024 * 1024)))]
    try:
        # In a limited child process: a hostile file costs the bot nothing, and the event
        # loop stays free for participants meanwhile.
        bank = await load_bank_isolated(upload.data, upload.filename)
    except BankError as exc:
        lines = [f"• {where}: {problem}" for where, problem in exc.problems]
        more = exc.total - MAX_ERROR_LINES
        shown = "\n".join(lines[:MAX_ERROR_LINES])
        return [
            Message(
                t(
                    "admin.bank_invalid",
                    file=upload.filename,
                    count=exc.total,
                    problems=shown,
                    more=t("admin.bank_more", n=more) if more > 0 else "",
                )
            )
        ]
    needed = svc.contest.rules.questions_per_attempt
    if len(bank.questions) < needed:
        return [Message(t("admin.bank_too_small", count=len(bank.questions), needed=needed))]
    await svc.store.put_upload(user.key, upload.filename, upload.data)
    current = await svc.questions.active_bank()
    return [
        Message(
            t(
                "admin.bank_preview",
                file=upload.filename,
                count=len(bank.questions),
                current=current[1] if current else 0,
            ),
            buttons=(
                (
                    Button(t("admin.button_replace"), "adm:bank:go"),
                    Button(t("admin.button_cancel"), "adm:cancel"),
                ),
            ),
        )
    ]
