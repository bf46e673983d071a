"""The broadcaster: sends stored deliveries (an organiser's announcement to everyone, the
calendar's openings, reminders and results, the organisers' workbook), paced under each
platform's limit.

Each recipient's status is stored as it is sent, so a broadcast interrupted by a crash resumes
with the recipients still pending: no one is skipped and no one gets it twice (the only window
is between the platform accepting a message and the status being written, a few milliseconds).
A recipient that fails is tried again later and finally given up on; it never holds up the
others. Deliveries to people wait for the contest's civil hours.

A paid broadcast (an organiser's announcement sent with Telegram's allow_paid_broadcast)
goes at the paid pace (`rates["telegram:paid"]`), several messages on their way at once, each
counted against its budget before it goes (0.1 Stars, the most Telegram charges for one).
Once the budget is spent, or Telegram refuses to charge, the rest goes at the free pace:
nobody is left out, and the organisers read it in the broadcast's progress.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from bot import metrics
from bot.channels.base import (
    Channel,
    MaybeSentError,
    PaidRefusedError,
    RecipientBlockedError,
    RetryLaterError,
)
from bot.pacer import broadcasting, paid_broadcasting
from handlers import downloads
from handlers.context import Services
from handlers.documents import document
from handlers.events import Document, Message, Reply
from storage.models import Broadcast
from storage.repos.broadcasts import BLOCKED, FAILED, SENT, Recipient

log = logging.getLogger(__name__)

# A little more than a second between a message and the one `rate` places after it: the
# clock counts in microseconds, the platform perhaps not quite as we do.
WINDOW_MARGIN_S = 0.001
# A recipient whose send failed (a chat that refuses the bot, a network that is down) is
# tried again after 1, 4, 16 and 64 minutes, then given up on and shown in /admin.
MAX_TRIES = 5
RETRY_FIRST = timedelta(minutes=1)
RETRY_FACTOR = 4
# A paid broadcast's messages on their way at once: at hundreds a second, one message's round
# trip to the platform is longer than the pace's interval.
PAID_IN_FLIGHT = 64


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
        # Documents made for a broadcast (a results workbook) during one pass.
        self._documents: dict[int, Document] = {}
        # Whether this process still leads (set by run_forever); checked between batches.
        self._leading: Callable[[], bool] = lambda: True

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

    async def _send(
        self, channel: Channel, name: str, user_id: str, replies: list[Reply], *, paid: bool = False
    ) -> None:
        """Send one message in this channel's turn (its paid turn if `paid`); a 429 pauses the
        stream, then retries."""
        pace = f"{name}:paid" if paid else name
        for _ in range(5):
            await self._wait_turn(pace)
            retry: float | None = None
            try:
                # The shared pace serves replies to participants first; a paid broadcast has
                # a pace of its own (bot.pacer).
                with paid_broadcasting() if paid else broadcasting():
                    await channel.send_to(user_id, replies)
            except RetryLaterError as exc:
                retry = exc.seconds
            finally:
                self._answered(pace)
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
        """Send what is due now; returns how many messages were sent.

        A batch at a time, re-reading which broadcast comes first between batches, so a
        delivery to the organisers or a person's own message made meanwhile goes ahead of a
        long announcement to everyone.
        """
        sent = 0
        repo = self.svc.broadcasts
        waiting: set[int] = set()  # outside civil hours, or only retries not due yet
        self._documents.clear()  # made again each pass: a retry sends what is stored then
        while not self.stop.is_set() and self._leading():
            now = self.svc.clock.now()
            b = next((b for b in await repo.sending() if b.id not in waiting), None)
            if b is None:
                break
            assert b.id is not None
            if b.expires_at is not None and now > b.expires_at:
                dropped = await repo.expire(b.id, now)
                log.info("broadcast %s expired: %d recipients left out", b.id, dropped)
                await repo.finish(b.id, now)
                continue
            if b.civil_hours and not self._civil(now):
                waiting.add(b.id)
                continue
            batch = await repo.pending(b.id, self.batch, now=now)
            if not batch:
                if await repo.finish(b.id, now):
                    log.info("broadcast %s finished", b.id)
                waiting.add(b.id)
                continue
            if b.paid_budget is not None:
                sent += await self._deliver_many(b, batch)
                continue
            for r in batch:
                if not self._may_go_on(b):
                    break
                sent += await self._deliver(b, r)
        return sent

    def _may_go_on(self, b: Broadcast) -> bool:
        """Whether the next recipient may be sent to now (not stopping, within civil hours)."""
        return not self.stop.is_set() and not (
            b.civil_hours and not self._civil(self.svc.clock.now())
        )

    async def _deliver_many(self, b: Broadcast, batch: list[Recipient]) -> int:
        """A paid broadcast's batch, PAID_IN_FLIGHT recipients at a time, each in its turn."""
        gate = asyncio.Semaphore(PAID_IN_FLIGHT)

        async def one(r: Recipient) -> int:
            async with gate:
                return await self._deliver(b, r) if self._may_go_on(b) else 0

        return sum(await asyncio.gather(*(one(r) for r in batch)))

    def _civil(self, now: datetime) -> bool:
        contest = self.svc.contest
        return contest.announcements.allows(now, contest.tz)

    async def _deliver(self, b: Broadcast, r: Recipient) -> int:
        """Send one recipient their message and record what happened; 1 if it went out."""
        repo = self.svc.broadcasts
        channel = self.channels.get(r.channel)
        if channel is None:
            await repo.mark(r.id, FAILED, self.svc.clock.now(), "channel not running")
            metrics.BROADCAST_MESSAGES.labels(r.channel, FAILED).inc()
            return 0
        try:
            replies = await self._replies(b, r)
            await self._send_one(b, r, channel, replies)
        except RecipientBlockedError as exc:
            if not r.account:  # a chat or an organiser: a refusal like any other
                await self._failed(b, r, exc)
                return 0
            await repo.mark(r.id, BLOCKED, self.svc.clock.now())
            await repo.mark_blocked(r.channel, r.channel_user_id, self.svc.clock.now())
            await self.svc.store.mark_blocked(f"{r.channel}:{r.channel_user_id}")
            metrics.BROADCAST_MESSAGES.labels(r.channel, BLOCKED).inc()
            return 0
        except Exception as exc:  # one recipient failing must not stop the rest
            await self._failed(b, r, exc)
            return 0
        await repo.mark(r.id, SENT, self.svc.clock.now())
        metrics.BROADCAST_MESSAGES.labels(r.channel, SENT).inc()
        if b.document is not None:  # the organisers' internal workbook: whole phones
            await downloads.delivered(self.svc, b.document, f"{r.channel}:{r.channel_user_id}")
        return 1

    async def _send_one(
        self, b: Broadcast, r: Recipient, channel: Channel, replies: list[Reply]
    ) -> None:
        """Send a recipient their message: paid while the broadcast's budget lasts (and the
        channel can send paid), else at the free pace."""
        budget = self.svc.broadcast_budget
        assert b.id is not None
        paid = (
            b.paid_budget is not None
            and f"{r.channel}:paid" in self.rates
            and await budget.take(b.id)
        )
        if not paid:
            await self._send(channel, r.channel, r.channel_user_id, replies)
            return
        try:
            await self._send(channel, r.channel, r.channel_user_id, replies, paid=True)
        except PaidRefusedError as exc:
            log.warning("broadcast %s: paid sending refused (%s); the rest goes free", b.id, exc)
            await budget.give_back(b.id, no_more=True)
            await self._send(channel, r.channel, r.channel_user_id, replies)
        except (MaybeSentError, asyncio.CancelledError):
            raise  # stays counted: it may have been delivered (stopped mid-call), and charged
        except BaseException:
            await budget.give_back(b.id)  # not sent: Telegram charges only what it delivers
            raise

    async def _replies(self, b: Broadcast, r: Recipient) -> list[Reply]:
        """The stored message (catalogue markup, values escaped), the recipient's own, or the
        document the broadcast names, made once per broadcast."""
        if b.document is None:
            return [Message(r.text if r.text is not None else b.text)]
        assert b.id is not None
        made = self._documents.get(b.id)
        if made is None:
            made = await document(self.svc, b.document, caption=b.text)
            self._documents[b.id] = made
        return [made]

    async def _failed(self, b: Broadcast, r: Recipient, exc: Exception) -> None:
        """Try the recipient again later, or give up after MAX_TRIES."""
        now = self.svc.clock.now()
        tries = r.tries + 1
        who = r.channel_user_id if not r.account else f"recipient {r.id}"
        if tries >= MAX_TRIES:
            log.warning("broadcast %s: %s failed %d times, given up: %s", b.id, who, tries, exc)
            await self.svc.broadcasts.mark(r.id, FAILED, now, str(exc))
            metrics.BROADCAST_MESSAGES.labels(r.channel, FAILED).inc()
            return
        wait = RETRY_FIRST * RETRY_FACTOR ** (tries - 1)
        log.warning("broadcast %s: %s failed (%s); trying again in %s", b.id, who, exc, wait)
        await self.svc.broadcasts.retry_later(
            r.id, tries=tries, at=now + wait, now=now, error=str(exc)
        )

    async def run_forever(
        self, every: float = 2.0, *, leading: Callable[[], bool] = lambda: True
    ) -> None:
        """Keep sending broadcasts as organisers start them, until `stop` is set.

        Only the process that `leading()` names sends: recipients are not claimed one by one,
        so two processes sending the same broadcast would message people twice. A pass stops
        between two batches when this process stops leading.
        """
        self._leading = leading
        while not self.stop.is_set():
            try:
                if leading():
                    await self.run_once()
            except Exception:
                log.exception("broadcaster pass failed; retrying")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), every)
