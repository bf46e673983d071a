"""What the jury does with a closed round's provisional results: set entries aside, restore
them, approve. The chat (/admin), the command line and the web call these alike; they say
nothing themselves: a refusal is a JuryError naming its message in the catalogue.

Setting an entry aside keeps it and its attempts in the data, with its place in the ranking;
it leaves the prize allocation, and the prizes are allocated again down the ranking by the
same rules (handlers.ranking.allocate), the entries that cannot win skipped. Approval
freezes the winners and announces them, once (handlers.announce.publish_results). Every
action is in the audit log with who did it and when.
"""

from __future__ import annotations

from typing import Any

from handlers import announce, entries
from handlers.context import Services
from handlers.decided import decided as decided
from handlers.ranking import allocate
from handlers.rounds import round_results
from storage.repos.review import FrozenError, StaleError
from storage.repos.rounds import CLOSED

MAX_REASON = 300
# Allocating again races only with another organiser's set-aside at the same moment.
ATTEMPTS = 5


class JuryError(Exception):
    """A jury action refused; `key` names the message (handlers/texts) and `values` fill it."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


async def set_aside(svc: Services, code: str, participant_id: int, reason: str, actor: str) -> bool:
    """Set a ranked entry aside with the reason given; False when it already was."""
    reason = " ".join(reason.split())
    if not reason or len(reason) > MAX_REASON:
        raise JuryError("jury.reason_needed", max=MAX_REASON)
    await _ranked(svc, code, participant_id)
    try:
        done = await svc.review.put_aside(
            code, participant_id, reason=reason, actor=actor, now=svc.clock.now()
        )
    except FrozenError as exc:
        raise JuryError("jury.frozen") from exc
    await reallocate(svc, code)
    return done


async def restore(svc: Services, code: str, participant_id: int, actor: str) -> bool:
    """Bring an entry set aside back into the prize allocation; False when it was not set
    aside."""
    await _ranked(svc, code, participant_id)
    try:
        done = await svc.review.restore(code, participant_id, actor=actor, now=svc.clock.now())
    except FrozenError as exc:
        raise JuryError("jury.frozen") from exc
    await reallocate(svc, code)
    return done


async def approve(svc: Services, code: str, actor: str) -> bool:
    """Approve a closed round's winners and announce them; False when they already were
    approved (the announcements are then finished if a restart cut them short).

    The prizes are allocated again first, with the entries set aside at that moment: another
    organiser's set-aside or restore may have landed without its allocation yet (still on
    its way, or cut short by a restart). The approval then checks, with the round locked,
    that nothing was set aside or restored since; if something was, it allocates again."""
    rnd = await svc.rounds.get(code)
    if rnd is None:
        raise JuryError("jury.unknown_round", code=code)
    for _ in range(ATTEMPTS):
        asides: set[int] | None = None
        if rnd.status == CLOSED and rnd.approved_at is None:
            try:
                asides = await reallocate(svc, code)
            except JuryError as exc:
                # Approved meanwhile (or no longer closed): the approval below says which.
                if exc.key != "jury.frozen":
                    raise
        try:
            approved = await svc.review.approve(
                code, actor=actor, now=svc.clock.now(), asides=asides
            )
        except StaleError:
            continue
        except FrozenError as exc:
            raise JuryError("jury.not_closed", name=rnd.name) from exc
        await announce.publish_results(svc, code, actor=actor)
        return approved
    raise JuryError("jury.busy")


async def reallocate(svc: Services, code: str) -> set[int]:
    """Allocate the prizes again down the ranking, skipping the entries set aside and those
    that cannot win; a winner who keeps a prize keeps the identity stored with it. The
    entries set aside the prizes were allocated with."""
    tiers = [(p.tier.value, p.count) for p in svc.contest.prizes]
    for _ in range(ATTEMPTS):
        asides = set(await svc.review.set_aside(code))
        results = await round_results(svc, code)
        excluded = set(await entries.ineligible(svc)) | asides
        awards = allocate(results.ranking, tiers, excluded=excluded)
        prizes = await entries.prizes(svc, awards)
        try:
            stored = await svc.review.replace_winners(
                code, prizes, asides=asides, now=svc.clock.now()
            )
        except FrozenError as exc:
            raise JuryError("jury.frozen") from exc
        if stored:
            return asides
    raise JuryError("jury.busy")


async def participant_at(svc: Services, code: str, rank: int) -> int:
    """The participant id at a place of a round's ranking."""
    results = await round_results(svc, code)
    for r in results.ranking:
        if r.rank == rank:
            return r.participant_id
    raise JuryError("jury.no_such_rank", rank=rank)


async def _ranked(svc: Services, code: str, participant_id: int) -> None:
    rnd = await svc.rounds.get(code)
    if rnd is None:
        raise JuryError("jury.unknown_round", code=code)
    if rnd.status != CLOSED:
        raise JuryError("jury.not_closed", name=rnd.name)
    if rnd.approved_at is not None:
        raise JuryError("jury.frozen")
    if not await svc.attempts.submitted(code, participant_id):
        raise JuryError("jury.not_ranked", id=participant_id)
