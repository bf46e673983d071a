"""When a round's results are decided: the one rule for showing what its answers were and who
won.

A round is decided once it is closed and its winners are final: approved by the jury, or at
closing when the contest approves automatically (`results.approval: auto`). Right answers and
explanations of a round's questions (answer review, practice) and its winners are shown only
then, never while anyone could still answer or the jury could still change the prizes.
"""

from __future__ import annotations

from handlers.contest import Approval
from handlers.context import Services
from storage.repos.rounds import CLOSED


async def decided(svc: Services, round_code: str) -> bool:
    """Whether the round is closed and its winners final (approved, or approved at closing)."""
    rnd = await svc.rounds.get(round_code)
    if rnd is None or rnd.status != CLOSED:
        return False
    return rnd.approved_at is not None or svc.contest.results.approval == Approval.AUTO
