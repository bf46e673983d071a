"""A practice going on ends when the real attempt starts (what the participant is told)."""

from __future__ import annotations

from handlers.context import Services
from handlers.events import Message, Reply


async def end_practice(svc: Services, pid: int) -> list[Reply]:
    """End the participant's practice, if one is going on, and say so."""
    if await svc.practice.end(pid):
        return [Message(svc.texts("practice.ended_for_attempt"))]
    return []
