"""What practice draws from: contest.yaml's practice bank, or else the questions asked in the
rounds already decided; never a question of the bank the live round draws from."""

from __future__ import annotations

from handlers.context import Services
from handlers.decided import decided
from questions.formats.common import same_text_key
from questions.model import Question


async def practice_pool(svc: Services) -> list[tuple[int, Question]]:
    """The questions practice may draw, by id (the same ids as every question)."""
    bank = svc.contest.practice_bank
    codes: list[str] = []
    if bank is None:
        codes = [r.code for r in await svc.rounds.all() if await decided(svc, r.code)]
    signature = (bank.key if bank is not None else tuple(codes), await svc.questions.active_bank())
    found = svc.practice_pools.get(signature)
    if found is None:
        live = {same_text_key(q.text) for _, q in await svc.pool.active()}
        if bank is not None:
            ids = await svc.questions.kept_aside(bank.key, list(bank.questions), svc.clock.now())
            drawn = list(zip(ids, bank.questions, strict=True))
        else:
            drawn = await svc.questions.asked_in(codes)
        # The live round's bank may repeat a question of an earlier round or of the practice
        # file: such a question is left out, so practice never tells a live answer.
        found = [(qid, q) for qid, q in drawn if same_text_key(q.text) not in live]
        svc.practice_pools.clear()
        svc.practice_pools[signature] = found
        svc.pool.remember(found)
    return found
