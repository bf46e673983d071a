"""Letting updates in, the same on every channel: each one once, none past the flood limit.

A platform may deliver an update twice (Telegram after a timeout, Zalo's webhook, a second
replica), so each is known by its platform id and handled the first time only: the store
remembers the ids of each account's last updates let in (storage.keys.UPDATES_KEPT, for a
day), which is where a copy can come from. A sender past `flood_limit` updates in
`flood_window` seconds is ignored until the window ends; the first update over the limit is
the one the channel answers with a request to slow down. Updates ignored for flooding are not
remembered, so a flood leaves no trace beyond the sender's counter.

Both checks take one step in the session store together, and for an answer tap the same step
also records the answer (see handlers.quiz.answer), so the store is asked once per tap.
"""

from __future__ import annotations

import logging

from bot.engine import Engine
from handlers.events import Event, Reply, User
from storage.session import Admission, Verdict

log = logging.getLogger(__name__)


class Gate:
    """Hands a channel's updates to the engine once each, within the sender's flood limit."""

    def __init__(
        self, engine: Engine, channel: str, *, flood_limit: int, flood_window: int
    ) -> None:
        self.engine = engine
        self.channel = channel
        self.flood_limit = flood_limit
        self.flood_window = flood_window

    def admission(self, update_id: str, user: User) -> Admission:
        """An update at the door, not decided yet."""
        return Admission(self.channel, update_id, user.key, self.flood_limit, self.flood_window)

    async def admit(self, admission: Admission) -> bool:
        """Decide now (for work a channel does before the engine); True when let in."""
        admitted = await self.engine.svc.store.admit(admission)
        self._note(admission)
        return admitted

    async def handle(self, event: Event, admission: Admission) -> list[Reply] | None:
        """The engine's replies to an update let in; None when it is not let in."""
        replies = await self.engine.handle(event, admission)
        if admission.refused:
            self._note(admission)
            return None
        return replies

    def _note(self, admission: Admission) -> None:
        if admission.verdict is Verdict.REPEATED:
            log.info("%s update %s delivered again: ignored", self.channel, admission.update_id)
