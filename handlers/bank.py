"""Replacing the question bank from an uploaded file: check it (every bad row listed, nothing
kept if any is bad), hold it until the organiser confirms, then make it the active bank."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from handlers.context import Services
from questions import MAX_FILE_BYTES, BankError, Question, load_bank_bytes


@dataclass(frozen=True, slots=True)
class Checked:
    """What checking an uploaded bank found: its questions, or its problems (where, what)."""

    filename: str
    questions: list[Question] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    # Fewer questions than one attempt draws: the file is valid but cannot be the bank.
    too_few: bool = False

    @property
    def usable(self) -> bool:
        """Whether the file can replace the active bank."""
        return not self.problems and not self.too_few and bool(self.questions)


async def check(svc: Services, filename: str, data: bytes) -> Checked:
    """Parse an uploaded bank file; nothing is stored."""
    if not data or len(data) > MAX_FILE_BYTES:
        return Checked(filename, too_few=True)
    try:
        # Parsing a large bank takes seconds; keep the event loop free for participants.
        bank = await asyncio.to_thread(load_bank_bytes, data, filename)
    except BankError as exc:
        return Checked(filename, problems=exc.problems)
    needed = svc.contest.rules.questions_per_attempt
    return Checked(filename, bank.questions, too_few=len(bank.questions) < needed)


async def hold(svc: Services, actor: str, filename: str, data: bytes) -> None:
    """Keep a checked file until its uploader confirms (or an hour passes)."""
    await svc.store.put_upload(actor, filename, data)


async def replace(svc: Services, actor: str, round_bank: str = "") -> tuple[str, int] | None:
    """Make the file `actor` holds the active bank, or the bank of that name some rounds of
    contest.yaml draw from (`round_bank`): (file name, questions), or None when there is
    nothing held (already used, cancelled or expired). Audited."""
    pending = await svc.store.take_upload(actor)
    if pending is None:
        return None
    filename, data = pending
    bank = await asyncio.to_thread(load_bank_bytes, data, filename)
    now = svc.clock.now()
    if round_bank:
        count = await svc.questions.replace_round_bank(round_bank, bank.questions, now, bank.images)
        rounds = [r.code for r in svc.contest.rounds_of_bank(round_bank)]
        await svc.audit.record(
            actor=actor,
            action="questions.import",
            at=now,
            bank=round_bank,
            count=count,
            file=filename,
            rounds=rounds,
        )
        return filename, count
    count = await svc.questions.replace_active(bank.name, bank.questions, now, bank.images)
    await svc.audit.record(
        actor=actor, action="questions.import", at=now, bank=bank.name, count=count, file=filename
    )
    return filename, count


def round_bank_choices(svc: Services) -> list[tuple[str, str]]:
    """(bank name, the names of the rounds drawing from it) of every round's own bank."""
    return [
        (name, ", ".join(r.name for r in svc.contest.rounds_of_bank(name)))
        for name in svc.contest.round_banks()
    ]
