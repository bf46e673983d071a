"""When a round's results are decided: the one rule for showing what its answers were.

Right answers and explanations of a round's questions are shown (answer review, practice)
only once it is decided, and never while anyone could still answer them.
"""

from __future__ import annotations

from handlers.context import Services
from storage.repos.rounds import CLOSED


async def decided(svc: Services, round_code: str) -> bool:
    """Whether the round's results are decided: for now, the round is closed."""
    rnd = await svc.rounds.get(round_code)
    return rnd is not None and rnd.status == CLOSED
