"""Organisers in chat: live figures, broadcasts, opening and closing rounds, the question bank,
and the results workbook. Only accounts listed as admins reach any of this; to anyone else
these commands answer as an unknown command would.

The question bank's steps (a file uploaded, checked, then confirmed) are handlers.admin_bank.
"""

from __future__ import annotations

from handlers import (
    admin_bank,
    admin_jury,
    admin_participation,
    announce,
    broadcasting,
    downloads,
    info,
    paid_broadcast,
    sample_bank,
    websignin,
)
from handlers.admin_bank import on_upload as on_upload
from handlers.admin_history import broadcast_history
from handlers.admin_steps import CANCEL, Tap, confirm_row, one_time_buttons, pick_round, stale
from handlers.admin_steps import PREFIX as PREFIX
from handlers.admin_steps import is_admin as is_admin
from handlers.contest import Approval
from handlers.context import Services
from handlers.events import Button, Message, Notice, Reply, User
from handlers.formatting import number_vn
from handlers.reports.files import organiser_files
from handlers.rounds import close_round, open_round, round_results
from handlers.texts import Raw
from storage.repos.audiences import ALL
from storage.repos.rounds import OPEN, SCHEDULED
from storage.session import StepClaim

STEP_BROADCAST = "adm:broadcast"
MAX_BROADCAST_CHARS = broadcasting.MAX_CHARS


async def panel(svc: Services, user: User) -> list[Reply]:
    """Live figures and the organisers' menu."""
    if not is_admin(svc, user):
        return await info.unknown_command(svc, user)
    t = svc.texts
    now = svc.clock.now()
    today = now.astimezone(svc.contest.tz).date().isoformat()
    current = next((r for r in await svc.rounds.all() if r.status == OPEN), None)
    text = t(
        "admin.panel",
        round=current.name if current else t("admin.no_round"),
        participants=number_vn(await svc.participants.count()),
        today=number_vn(await svc.attempts.count_on_day(today)),
        live=number_vn(await svc.store.live_count()),
        localities=await admin_participation.registered_lines(svc),
        broadcasts=await broadcast_history(svc),
        deliveries=await announce.failed_line(svc),
        review=await admin_jury.waiting_line(svc),
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
                (
                    Button(t("admin.button_bank"), "adm:bank"),
                    Button(t("admin.button_stats"), admin_participation.TOKEN),
                ),
                (Button(t("jury.button"), f"{PREFIX}{admin_jury.ACTION}"),),
                (Button(t("admin.button_web"), websignin.TOKEN),),
                (Button(t("admin.button_downloads"), downloads.TOKEN),),
            ),
        )
    ]


async def on_choice(svc: Services, user: User, token: str, ref: str | None = None) -> list[Reply]:
    """An organiser's button. The message that held it (`ref`) becomes the next step, so no
    finished step keeps buttons; a choice that acts is taken once (see handlers.admin_steps)."""
    t = svc.texts
    if not is_admin(svc, user):
        return [Notice(t("common.expired_button"))]
    if token == websignin.TOKEN:
        return await websignin.signin_link(svc, user)
    if token == downloads.TOKEN:
        return await downloads.panel(svc, ref)
    tap = Tap.parse(token)
    if tap is None:
        return [Notice(t("common.expired_button"))]
    if tap.code:
        found = await svc.store.claim_step(user.key, tap.step, tap.code)
        if found is StepClaim.DONE:
            return [Notice(t("admin.already_done"))]
        if found is StepClaim.UNKNOWN:
            return stale(svc, ref)
        if tap.choice == CANCEL:
            return await _cancel(svc, user, tap.action, ref)
    if tap.action == "bc":
        return await _broadcast_step(svc, user, tap.choice, ref)
    if tap.action in {"open", "close"}:
        return await _round_step(svc, user, tap.action, tap.arg, tap.choice, ref)
    if tap.action == "res":
        return await _results_step(svc, user, tap.arg, tap.choice, ref)
    if tap.action == admin_jury.ACTION:
        return await admin_jury.step(svc, user, tap.arg, tap.choice, ref)
    if tap.action == admin_participation.ACTION:
        return await admin_participation.step(svc, tap.arg, ref)
    return await admin_bank.step(svc, user, tap.choice, ref)


async def _cancel(svc: Services, user: User, action: str, ref: str | None) -> list[Reply]:
    """Cancel a confirmation: forget the announcement typed or the file uploaded for it."""
    if action == "bc" and in_admin_flow(await svc.store.conversation(user.key)):
        await svc.store.clear_conversation(user.key)
    elif action == "bank":
        await svc.store.take_upload(user.key)
    return [Message(svc.texts("admin.cancelled"), replace=ref)]


# ------------------------------------------------------------------ broadcast


async def _broadcast_step(svc: Services, user: User, choice: str, ref: str | None) -> list[Reply]:
    t = svc.texts
    if choice == "":
        await svc.store.save_conversation(user.key, {"step": STEP_BROADCAST})
        return [Message(t("admin.broadcast_ask"), replace=ref)]
    conv = await svc.store.conversation(user.key)
    if conv.get("step") != STEP_BROADCAST or "text" not in conv:
        return stale(svc, ref)
    paid = choice == "paid"
    try:
        broadcast_id, count = await broadcasting.start(
            svc, actor=user.key, text=conv["text"], audience=ALL, paid=paid
        )
    except broadcasting.NotPayableError:
        # The recipients or the balance changed since the preview: show it again, as it is now.
        refused = [Notice(t("admin.broadcast_paid_refused"))]
        return refused + await _preview(svc, user, conv["text"], ref)
    await svc.store.clear_conversation(user.key)
    message = broadcasting.message(svc, conv["text"])
    if paid:
        started = t(
            "admin.broadcast_started_paid",
            id=broadcast_id,
            count=number_vn(count),
            budget=paid_broadcast.stars_vn(svc.sending.paid_budget_stars * 10),
            message=message,
        )
    else:
        started = t(
            "admin.broadcast_started", id=broadcast_id, count=number_vn(count), message=message
        )
    return [Message(started, replace=ref)]


async def on_text(svc: Services, user: User, conv: dict[str, str], text: str) -> list[Reply]:
    """Text typed by an organiser in the middle of an admin flow: the broadcast message, or
    the reason for setting an entry aside."""
    t = svc.texts
    if conv.get("step") == admin_jury.STEP_REASON:
        return await admin_jury.on_reason(svc, user, conv, text)
    text = text.strip()
    if broadcasting.problem(text):
        return [Message(t("admin.broadcast_length", max=MAX_BROADCAST_CHARS))]
    conv["text"] = text
    await svc.store.save_conversation(user.key, conv)
    return await _preview(svc, user, text, None)


async def _preview(svc: Services, user: User, text: str, ref: str | None) -> list[Reply]:
    """The broadcast as it will go: its recipients, how long it takes free and paid, what it
    may cost; Send (free), Send paid when it may be paid for, and Cancel, sharing one code."""
    t = svc.texts
    est = await paid_broadcast.estimate(svc)
    send = t("admin.button_send") if est.paid_seconds is None else t("admin.button_send_free")
    choices = [(str(send), "go")]
    if est.can_pay:
        choices.append((str(t("admin.button_send_paid")), "paid"))
    choices.append((str(t("admin.button_cancel")), CANCEL))
    preview = t(
        "admin.broadcast_preview",
        text=text,
        count=number_vn(est.recipients),
        estimate=paid_broadcast.lines(svc, est),
    )
    buttons = await one_time_buttons(svc, user, "bc", tuple(choices))
    return [Message(preview, buttons=(buttons,), replace=ref)]


def in_admin_flow(conv: dict[str, str]) -> bool:
    """Whether the stored conversation is an organiser's flow."""
    return conv.get("step", "").startswith(PREFIX)


# ------------------------------------------------------------------ rounds


async def _round_step(
    svc: Services, user: User, action: str, code: str, answer: str, ref: str | None
) -> list[Reply]:
    t = svc.texts
    confirm = answer in {"yes", sample_bank.CONFIRMED}
    wanted = SCHEDULED if action == "open" else OPEN
    rounds = [r for r in await svc.rounds.all() if r.status == wanted]
    if not code:
        ask, none = t(f"admin.{action}_pick"), t(f"admin.{action}_none")
        return pick_round(action, rounds, ask=ask, none=none, ref=ref)
    target = next((r for r in rounds if r.code == code), None)
    if target is None:
        return stale(svc, ref)
    if not confirm:
        text = t(f"admin.{action}_confirm", name=target.name)
        if action == "open" and (public := await sample_bank.public_questions(svc)):
            text = Raw(f"{text}\n\n{sample_bank.warning(svc, public)}")
        return [
            Message(
                text,
                buttons=await confirm_row(
                    svc, user, f"{action}:{code}", t("admin.button_yes"), "yes"
                ),
                replace=ref,
            )
        ]
    if action == "open":
        if again := await sample_bank.open_step(svc, user, code, target.name, answer, ref):
            return again
        await open_round(svc, code, actor=user.key)
        return [Message(t("admin.opened", name=target.name), replace=ref)]
    # Provisional results, the organisers asked to review, as the calendar's close does.
    results = await close_round(svc, code, actor=user.key)
    actual, winners = number_vn(results.actual), len(results.awards)
    if svc.contest.results.approval == Approval.AUTO:
        said = t("admin.closed_auto", name=target.name, actual=actual, winners=winners)
    else:
        said = t("admin.closed", name=target.name, actual=actual, winners=winners)
    return [Message(said, replace=ref)]


# ------------------------------------------------------------------ results


async def _results_step(
    svc: Services, user: User, code: str, choice: str, ref: str | None
) -> list[Reply]:
    t = svc.texts
    rounds = [r for r in await svc.rounds.all() if r.status != SCHEDULED]
    if not code:
        ask, none = t("admin.results_pick"), t("admin.results_none")
        return pick_round("res", rounds, ask=ask, none=none, ref=ref)
    target = next((r for r in rounds if r.code == code), None)
    if target is None:
        return stale(svc, ref)
    if not choice:
        kinds = ((t("admin.button_public"), "public"), (t("admin.button_full"), "full"))
        return [
            Message(
                t("admin.results_kind", name=target.name),
                buttons=(await one_time_buttons(svc, user, f"res:{code}", kinds),),
                replace=ref,
            )
        ]
    full = choice == "full"
    results = await round_results(svc, code)
    await downloads.record(svc, actor=user.key, round_code=code, full_phones=full, via="chat")
    caption = (
        t("admin.results_caption_full", name=target.name)
        if full
        else t("admin.results_caption", name=target.name)
    )
    made, _ = await organiser_files(svc, results, full_phones=full, caption=str(caption))
    return [
        Message(t("admin.results_sent", name=target.name, file=made.filename), replace=ref),
        made,
    ]
