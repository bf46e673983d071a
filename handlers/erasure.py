"""/xoadulieu: withdraw consent and erase one's data, after a one-time confirmation.

    /xoadulieu -> what goes and what stays -> [Xoá dữ liệu của tôi] -> erased, told what stays
                                              [Không xoá]           -> nothing changes

The buttons carry a one-time code (as organisers' confirmations do): the first tap acts, a
second tap, a replayed update or the same tap in another process acts on nothing.

What goes and what stays is storage.repos.erasure's rule: the entry's details, phones,
accounts and attempts in rounds still open go; a closed round keeps the entry's attempts
under a nameless line so nobody else's rank moves; a prize stored at closing keeps the
winner as they were then, for the prize accounts, shown only to the organisers. Live state
in the session store (the attempt under way, conversations, which entry each account is,
linking codes) goes too: whoever writes from those accounts again is a newcomer.
"""

from __future__ import annotations

from handlers.common import participant_id
from handlers.context import Services
from handlers.events import Button, Message, Notice, Reply, User
from handlers.texts import Raw
from storage.erasure_store import ERASE_STEP
from storage.repos.erasure import Erased
from storage.repos.personal import PersonalRecord
from storage.repos.rounds import CLOSED
from storage.session import StepClaim

# Tokens: "pd:x:<code>" erases, "pd:x:-:<code>" keeps everything; the code is used once.
PREFIX = "pd:x:"
KEEP = f"{PREFIX}-:"


async def command(svc: Services, user: User) -> list[Reply]:
    """What erasing would do, with the one-time buttons; to someone not registered, that
    nothing is stored (and the draft of a registration in progress is forgotten)."""
    t = svc.texts
    pid = await participant_id(svc, user)
    record = await svc.personal.record(pid) if pid is not None else None
    if record is None:
        await svc.erasure_store.forget([user.key])
        return [Message(t("erase.nothing"))]
    code = await svc.store.issue_step(user.key, ERASE_STEP)
    return [
        Message(
            t("erase.confirm", what=await consequences(svc, record)),
            buttons=(
                (Button(t("erase.button_erase"), f"{PREFIX}{code}"),),
                (Button(t("erase.button_keep"), f"{KEEP}{code}"),),
            ),
        )
    ]


async def consequences(svc: Services, record: PersonalRecord) -> Raw:
    """What erasing this entry removes, what it keeps anonymous, what it keeps and why."""
    t = svc.texts
    rounds = {r.code: r for r in await svc.rounds.all()}
    closed = [
        rounds[code].name
        for code in dict.fromkeys(r.attempt.round_code for r in record.attempts)
        if code in rounds and rounds[code].status == CLOSED
    ]
    parts = [t("erase.removed")]
    if closed:
        parts.append(t("erase.anonymous", rounds=", ".join(closed)))
    if record.prizes:
        names = {code: r.name for code, r in rounds.items()}
        prizes = ", ".join(
            f"{svc.contest.prize_name(w.tier)} {names.get(w.round_code, w.round_code)}"
            for w in record.prizes
        )
        parts.append(t("erase.prizes_kept", prizes=prizes))
    return Raw("\n".join(parts))


async def on_choice(svc: Services, user: User, token: str, ref: str | None) -> list[Reply]:
    """A tap on the confirmation: erase (once), or keep everything."""
    t = svc.texts
    keep = token.startswith(KEEP)
    code = token.removeprefix(KEEP if keep else PREFIX)
    found = await svc.store.claim_step(user.key, ERASE_STEP, code)
    pid = await participant_id(svc, user)
    if found is not StepClaim.CLAIMED or pid is None:
        # A second tap, or a tap after a linked account erased the entry: a short notice,
        # leaving the message that says what was erased as it is.
        return [Notice(t("erase.gone" if pid is None else "common.expired_button"))]
    if keep:
        return [Message(t("erase.kept"), replace=ref)]
    record = await svc.personal.record(pid)
    what = await consequences(svc, record) if record is not None else Raw("")
    await erase(svc, pid)
    return [Message(t("erase.done", what=what), replace=ref)]


async def erase(svc: Services, pid: int) -> Erased | None:
    """Erase an entry at its request, in SQL and in the session store; None if it is gone."""
    # The live attempt first, so that neither the sweep nor the closing submits it meanwhile.
    await svc.erasure_store.drop_attempt(pid)
    erased = await svc.erasure.erase(pid, now=svc.clock.now())
    if erased is not None:
        # After SQL: an update handled meanwhile may have cached the account's entry again.
        await svc.erasure_store.forget(erased.user_keys)
    return erased
