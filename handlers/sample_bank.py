"""Running on the sample bank is said loudly: its answers are in the repository.

On an empty database the bot loads the contest's bank by itself, which in a fresh clone is
the sample bank (questions/banks/). Trying the bot on it is fine; a real round on it is not.
So the organisers are told wherever they look: the log at start (bot/runtime.py), /admin,
`quizbot rounds`, and a delivery to the organisers when the calendar opens a round on it
(the calendar still opens it on time). Opening a round on it by hand takes a second, explicit
confirmation in chat (`open_step`) and `--sample-bank` on the command line.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.admin_steps import confirm_row
from handlers.context import Services
from handlers.events import Message, Reply, User
from handlers.texts import Raw
from questions.public import public_count
from storage.repos.audiences import DIRECT

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


async def open_step(
    svc: Services, user: User, code: str, name: str, answer: str, ref: str | None
) -> list[Reply] | None:
    """The second confirmation an organiser must give to open a round on the sample bank
    (edited into the first, its button acting once), or None when the round may open now (no
    public questions, or confirmed already)."""
    if answer == CONFIRMED:
        return None
    found = await public_questions(svc)
    if found is None:
        return None
    t = svc.texts
    return [
        Message(
            t("sample_bank.open_again", name=name, warning=warning(svc, found)),
            buttons=await confirm_row(
                svc, user, f"open:{code}", str(t("sample_bank.button_open")), CONFIRMED
            ),
            replace=ref,
        )
    ]


async def warn_organisers(svc: Services, code: str) -> bool:
    """Tell the organisers that the calendar opened round `code` on the sample bank: a
    delivery of its own (sent once, retried if refused, stopping nothing). False when there
    is nothing to say."""
    rnd = await svc.rounds.get(code)
    found = await public_questions(svc)
    if rnd is None or found is None or not svc.admins:
        return False
    text = svc.texts("sample_bank.opened_by_calendar", name=rnd.name, warning=warning(svc, found))
    await svc.broadcasts.create(
        text,
        actor="scheduler",
        now=svc.clock.now(),
        key=f"sample-bank:{code}",
        audience=DIRECT,
        direct=sorted(svc.admins),
    )
    return True
