"""The broadcaster: one message to every registered account, paced under each platform's limit.

Each recipient's status is stored as it is sent, so a broadcast interrupted by a crash resumes
with the recipients still pending: no one is skipped and no one gets it twice (the only window
is between the platform accepting a message and the status being written, a few milliseconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable, Mapping

from bot import metrics
from bot.channels.base import Channel, RecipientBlockedError, RetryLaterError
from handlers.context import Services
from handlers.events import Message
from storage.repos.broadcasts import BLOCKED, FAILED, SENT

log = logging.getLogger(__name__)

# A little more than a second between a message and the one `rate` places after it: the
# clock counts in microseconds, the platform perhaps not quite as we do.
WINDOW_MARGIN_S = 0.001


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
        # When each channel's latest messages were answered (accepted or refused), in order.
        self._done: dict[str, deque[float]] = {}

    async def _wait_turn(self, channel: str) -> None:
        rate = self.rates.get(channel, 10.0)
        # Rounded up: 1000 / 30 = 33 ms would make 30.3 messages a second, over a limit of 30.
        interval_ms = max(math.ceil(1000 / rate), 1)
        wait_ms = await self.svc.store.pace(f"broadcast:{channel}", interval_ms, self.svc.now_ms())
        if wait_ms > 0:
            await self.sleep(wait_ms / 1000)
        await self._within_window(channel, rate)

    async def _within_window(self, channel: str, rate: float) -> None:
        """Wait until this message keeps every one-second window within `rate` messages.

        The shared pace hands out slots evenly spaced, but each message reaches the platform
        a little after its slot, and not always equally late: paced at the limit itself, some
        one-second windows held one message too many, the platform answered 429, and the
        stream paused for a whole second. So this message waits until the one `rate` places
        back was answered a second ago: the platform had it by then, whatever the network.
        """
        done = self._answers(channel)
        count = done.maxlen or 1
        if len(done) == count:
            wait = done[0] + count / rate + WINDOW_MARGIN_S - self.svc.clock.now().timestamp()
            if wait > 0:
                await self.sleep(wait)

    async def _send(self, channel: Channel, name: str, user_id: str, message: Message) -> None:
        """Send one message in this channel's turn; a 429 pauses the stream, then retries."""
        for _ in range(5):
            await self._wait_turn(name)
            retry: float | None = None
            try:
                await channel.send_to(user_id, [message])
            except RetryLaterError as exc:
                retry = exc.seconds
            finally:
                self._answered(name)
            if retry is None:
                return
            log.warning("%s asks to slow down: pausing %s s", name, retry)
            await self.sleep(retry)
        raise RuntimeError(f"{name} kept refusing with 429")

    def _answers(self, channel: str) -> deque[float]:
        """When this channel's latest `rate` messages were answered, oldest first."""
        count = max(int(self.rates.get(channel, 10.0)), 1)
        return self._done.setdefault(channel, deque(maxlen=count))

    def _answered(self, channel: str) -> None:
        self._answers(channel).append(self.svc.clock.now().timestamp())

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
                        metrics.BROADCAST_MESSAGES.labels(r.channel, FAILED).inc()
                        continue
                    own = Message(r.text) if r.text is not None else message
                    try:
                        await self._send(channel, r.channel, r.channel_user_id, own)
                    except RecipientBlockedError:
                        await repo.mark(r.id, BLOCKED, self.svc.clock.now())
                        await repo.mark_blocked(r.channel, r.channel_user_id, self.svc.clock.now())
                        await self.svc.store.mark_blocked(f"{r.channel}:{r.channel_user_id}")
                        metrics.BROADCAST_MESSAGES.labels(r.channel, BLOCKED).inc()
                        continue
                    except Exception as exc:  # one recipient failing must not stop the rest
                        log.warning("broadcast %s: recipient %s failed: %s", b.id, r.id, exc)
                        await repo.mark(r.id, FAILED, self.svc.clock.now(), str(exc))
                        metrics.BROADCAST_MESSAGES.labels(r.channel, FAILED).inc()
                        continue
                    await repo.mark(r.id, SENT, self.svc.clock.now())
                    metrics.BROADCAST_MESSAGES.labels(r.channel, SENT).inc()
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
