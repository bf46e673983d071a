"""The broadcaster: one message to every registered account, paced under each platform's limit.

Each recipient's status is stored as it is sent, so a broadcast interrupted by a crash resumes
with the recipients still pending: no one is skipped and no one gets it twice (the only window
is between the platform accepting a message and the status being written, a few milliseconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping

from bot.channels.base import Channel, RecipientBlockedError, RetryLaterError
from handlers.context import Services
from handlers.events import Message
from storage.repos.broadcasts import BLOCKED, FAILED, SENT

log = logging.getLogger(__name__)


class Broadcaster:
    """Sends pending broadcasts through the channels, pacing each channel separately."""

    def __init__(
        self,
        svc: Services,
        channels: Mapping[str, Channel],
        *,
        rates: Mapping[str, float],
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        batch: int = 200,
        stop: asyncio.Event | None = None,
    ) -> None:
        self.svc = svc
        self.channels = channels
        self.rates = rates
        self.sleep = sleep
        self.batch = batch
        # Set when the process stops: sending ends between two recipients, never between
        # a message going out and its status being written.
        self.stop = stop or asyncio.Event()

    async def _wait_turn(self, channel: str) -> None:
        rate = self.rates.get(channel, 10.0)
        interval_ms = max(int(1000 / rate), 1)
        wait_ms = await self.svc.store.pace(f"broadcast:{channel}", interval_ms, self.svc.now_ms())
        if wait_ms > 0:
            await self.sleep(wait_ms / 1000)

    async def _send(self, channel: Channel, name: str, user_id: str, message: Message) -> None:
        """Send one message in this channel's turn; a 429 pauses the stream, then retries."""
        for _ in range(5):
            await self._wait_turn(name)
            try:
                await channel.send_to(user_id, [message])
                return
            except RetryLaterError as exc:
                log.warning("%s asks to slow down: pausing %s s", name, exc.seconds)
                await self.sleep(exc.seconds)
        raise RuntimeError(f"{name} kept refusing with 429")

    async def run_once(self) -> int:
        """Send what is pending now; returns how many messages were sent."""
        sent = 0
        repo = self.svc.broadcasts
        for b in await repo.sending():
            assert b.id is not None
            # The stored text is the finished message (catalogue markup, values escaped).
            message = Message(b.text)
            while batch := await repo.pending(b.id, self.batch):
                for r in batch:
                    if self.stop.is_set():
                        return sent
                    channel = self.channels.get(r.channel)
                    if channel is None:
                        await repo.mark(r.id, FAILED, self.svc.clock.now(), "channel not running")
                        continue
                    own = Message(r.text) if r.text is not None else message
                    try:
                        await self._send(channel, r.channel, r.channel_user_id, own)
                    except RecipientBlockedError:
                        await repo.mark(r.id, BLOCKED, self.svc.clock.now())
                        await repo.mark_blocked(r.channel, r.channel_user_id, self.svc.clock.now())
                        await self.svc.store.mark_blocked(f"{r.channel}:{r.channel_user_id}")
                        continue
                    except Exception as exc:  # one recipient failing must not stop the rest
                        log.warning("broadcast %s: recipient %s failed: %s", b.id, r.id, exc)
                        await repo.mark(r.id, FAILED, self.svc.clock.now(), str(exc))
                        continue
                    await repo.mark(r.id, SENT, self.svc.clock.now())
                    sent += 1
            await repo.finish(b.id, self.svc.clock.now())
            log.info("broadcast %s finished", b.id)
        return sent

    async def run_forever(
        self, every: float = 2.0, *, leading: Callable[[], bool] = lambda: True
    ) -> None:
        """Keep sending broadcasts as organisers start them, until `stop` is set.

        Only the process that `leading()` names sends: recipients are not claimed one by one,
        so two processes sending the same broadcast would message people twice.
        """
        while not self.stop.is_set():
            try:
                if leading():
                    await self.run_once()
            except Exception:
                log.exception("broadcaster pass failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), every)
