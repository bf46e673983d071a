"""Organisers in chat: the question bank. A file uploaded is checked in a limited child
process, then imported once confirmed, into the active bank or a round's own bank.
"""

from __future__ import annotations

import asyncio

from handlers import info
from handlers.admin_steps import (
    CANCEL,
    MAX_ROUND_BANKS,
    confirm_row,
    is_admin,
    one_time_buttons,
    stale,
)
from handlers.context import Services
from handlers.events import Document, Message, Reply, Upload, User
from questions import BankError, template_bytes
from questions.bank import MAX_FILE_BYTES
from questions.isolated import load_bank_isolated

TEMPLATE_FILE = "mau-ngan-hang-cau-hoi.xlsx"
MAX_ERROR_LINES = 30


async def step(svc: Services, user: User, choice: str, ref: str | None) -> list[Reply]:
    """A step of replacing the bank: the template and the ask, then the confirmed import."""
    t = svc.texts
    if choice == "":
        # The template the command line writes, for organisers who only have the chat.
        template = await asyncio.to_thread(template_bytes)
        return [
            Message(t("admin.bank_ask", max=MAX_FILE_BYTES // (1024 * 1024)), replace=ref),
            Document(TEMPLATE_FILE, template, caption=str(t("admin.bank_template"))),
        ]
    pending = await svc.store.take_upload(user.key)
    if pending is None:
        return stale(svc, ref)
    filename, data = pending
    bank = await load_bank_isolated(data, filename)
    now = svc.clock.now()
    banks = svc.contest.round_banks()
    if choice.startswith("r") and choice[1:].isdigit() and int(choice[1:]) < len(banks):
        name = banks[int(choice[1:])]
        count = await svc.questions.replace_round_bank(name, bank.questions, now, bank.images)
        await svc.audit.record(
            actor=user.key,
            action="questions.import",
            at=now,
            bank=name,
            count=count,
            file=filename,
            rounds=[r.code for r in svc.contest.rounds_of_bank(name)],
        )
        rounds = ", ".join(r.name for r in svc.contest.rounds_of_bank(name))
        return [
            Message(
                t("admin.bank_replaced_round", count=count, file=filename, rounds=rounds),
                replace=ref,
            )
        ]
    count = await svc.questions.replace_active(bank.name, bank.questions, now, bank.images)
    await svc.audit.record(
        actor=user.key,
        action="questions.import",
        at=now,
        bank=bank.name,
        count=count,
        file=filename,
    )
    return [Message(t("admin.bank_replaced", count=count, file=filename), replace=ref)]


async def _which_bank(svc: Services, user: User, filename: str, count: int) -> Message:
    """Rounds with banks of their own: which bank the checked file is for, one button each."""
    t = svc.texts
    choices = [
        (
            str(
                t(
                    "admin.button_bank_for",
                    rounds=", ".join(r.name for r in svc.contest.rounds_of_bank(name)),
                )
            ),
            f"r{i}",
        )
        for i, name in enumerate(svc.contest.round_banks()[:MAX_ROUND_BANKS])
    ]
    choices += [(str(t("admin.button_bank_shared")), "go"), (str(t("admin.button_cancel")), CANCEL)]
    buttons = await one_time_buttons(svc, user, "bank", tuple(choices))
    return Message(
        t("admin.bank_which", file=filename, count=count),
        buttons=tuple((b,) for b in buttons),
    )


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
    if svc.contest.round_banks():
        return [await _which_bank(svc, user, upload.filename, len(bank.questions))]
    return [
        Message(
            t(
                "admin.bank_preview",
                file=upload.filename,
                count=len(bank.questions),
                current=current[1] if current else 0,
            ),
            buttons=await confirm_row(svc, user, "bank", t("admin.button_replace"), "go"),
        )
    ]
