"""Running on the sample bank is said loudly: its answers are in the repository.

On an empty database the bot loads the contest's bank by itself, which in a fresh clone is
the sample bank (questions/banks/). Trying the bot on it is fine; a real round on it is not.
So the organisers are told wherever they look: the log at start (bot/runtime.py), /admin,
`quizbot rounds`, and a message when the calendar opens a round on it (the calendar still
opens it on time). Opening a round on it by hand takes a second, explicit confirmation in
chat (`open_step`) and `--sample-bank` on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Services
from handlers.events import Button, Message, Reply
from handlers.texts import Raw
from questions.public import public_count

# The last part of the chat button that opens a round on the sample bank anyway.
CONFIRMED = "sample"


@dataclass(frozen=True)
class PublicQuestions:
    """How much of the active bank comes from the banks shipped with the code."""

    bank: str
    public: int
    total: int


async def public_questions(svc: Services) -> PublicQuestions | None:
    """The active bank's questions whose answers are public, or None when there are none."""
    active = await svc.questions.active()
    public = public_count(q for _, q in active)
    if not public:
        return None
    signature = await svc.questions.active_bank()
    return PublicQuestions(signature[0] if signature else "", public, len(active))


def warning(svc: Services, found: PublicQuestions) -> Raw:
    """The organisers' warning, one paragraph."""
    return svc.texts("sample_bank.warning", bank=found.bank, public=found.public, total=found.total)


async def open_step(svc: Services, code: str, name: str, answer: str) -> list[Reply] | None:
    """The second confirmation an organiser must give to open a round on the sample bank,
    or None when the round may open now (no public questions, or confirmed already)."""
    if answer == CONFIRMED:
        return None
    found = await public_questions(svc)
    if found is None:
        return None
    t = svc.texts
    return [
        Message(
            t("sample_bank.open_again", name=name, warning=warning(svc, found)),
            buttons=(
                (
                    Button(t("sample_bank.button_open"), f"adm:open:{code}:{CONFIRMED}"),
                    Button(t("admin.button_cancel"), "adm:cancel"),
                ),
            ),
        )
    ]


def _warned(code: str) -> str:
    return f"sample_bank.warned:{code}"


async def calendar_warning(svc: Services, code: str, name: str) -> list[Reply]:
    """What the organisers are told when the calendar has opened round `code` on the sample
    bank (once per round: nothing once `warned` was recorded, nor without public questions)."""
    found = await public_questions(svc)
    if found is None or await svc.audit.has(_warned(code)):
        return []
    return [
        Message(svc.texts("sample_bank.opened_by_calendar", name=name, warning=warning(svc, found)))
    ]


async def warned(svc: Services, code: str) -> None:
    """Record that the organisers were told (after the message went out)."""
    await svc.audit.record(actor="scheduler", action=_warned(code), at=svc.clock.now(), round=code)
