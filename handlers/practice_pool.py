"""What practice draws from: contest.yaml's practice bank, or else the questions asked in the
rounds already decided; never a question of a bank a round not decided yet draws from (its
own bank, or the active bank for a round without one). Answer review withholds the answers
of the same questions (handlers.review)."""

from __future__ import annotations

from handlers.context import Services
from handlers.decided import decided
from questions.formats.common import same_text_key
from questions.model import Question


async def practice_pool(svc: Services) -> list[tuple[int, Question]]:
    """The questions practice may draw, by id (the same ids as every question)."""
    bank = svc.contest.practice_bank
    codes = [r.code for r in await svc.rounds.all() if await decided(svc, r.code)]
    ahead = [r.bank for r in svc.contest.rounds if r.bank and r.code not in codes]
    signature = (
        bank.key if bank is not None else tuple(codes),
        tuple(codes),
        await svc.questions.active_bank(),
        tuple([(name, await svc.questions.round_bank_signature(name)) for name in ahead]),
    )
    found = svc.practice_pools.get(signature)
    if found is None:
        live = await still_asked(svc)
        if bank is not None:
            drawn = await svc.questions.kept_aside(
                bank.key, list(bank.questions), svc.clock.now(), bank.images
            )
        else:
            drawn = await svc.questions.asked_in(codes) if codes else []
        # The live round's bank may repeat a question of an earlier round or of the practice
        # file: such a question is left out, so practice never tells a live answer.
        found = [(qid, q) for qid, q in drawn if same_text_key(q.text) not in live]
        svc.practice_pools.clear()
        svc.practice_pools[signature] = found
        svc.pool.remember(found)
    return found


async def still_asked(svc: Services) -> set[str]:
    """The questions (by same_text_key) a round not decided yet asks or will ask: its own
    bank, or the active bank for a round without one. A decided round may share them (rounds
    without a bank of their own all draw from the active bank)."""
    ahead = [r for r in svc.contest.rounds if not await decided(svc, r.code)]
    live: set[str] = set()
    if any(not r.bank for r in ahead):
        live |= {same_text_key(q.text) for _, q in await svc.pool.active()}
    for name in sorted({r.bank for r in ahead if r.bank}):
        live |= {same_text_key(q.text) for _, q in await svc.pool.of_bank(name)}
    return live
