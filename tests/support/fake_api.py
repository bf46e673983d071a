"""What the fake platform servers (Telegram, Zalo) share: an aiohttp server on a free port of
127.0.0.1, a client that POSTs updates to the bot's webhook, a background delivery task, and
waiting for the bot to do something.

A subclass says which routes it serves (`_application`), how it delivers queued updates to a
webhook (`_deliver_loop`) and what a failure message should show (`report`); it calls
`_touch()` after every change so waiters wake at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import ClassVar, Protocol, Self, TypeVar

from aiohttp import ClientSession, web

T = TypeVar("T")


class Shown(Protocol):
    """A message the bot sent, as the user reads it."""

    @property
    def shown(self) -> str: ...


M = TypeVar("M", bound=Shown)

WAIT_TIMEOUT = 10.0


class FakeApiServer(ABC):
    """The lifecycle and waiting of a fake Bot API server: `async with Fake() as fake: ...`."""

    platform: ClassVar[str]  # for messages: "Telegram", "Zalo"
    violations: list[str]  # calls that broke the platform's API, described

    def __init__(self) -> None:
        # Replaced and set on every change: lets long polls and wait_for sleep until something
        # happens, and can be triggered from the synchronous simulated-user methods.
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None
        self._delivery: asyncio.Task[None] | None = None
        self._port: int | None = None

    @abstractmethod
    def _application(self) -> web.Application:
        """The aiohttp application with the platform's routes."""

    @abstractmethod
    async def _deliver_loop(self) -> None:
        """POST queued updates to the webhook while one is set, until the server stops."""

    @abstractmethod
    def _calls(self) -> Sequence[object]:
        """Every call the bot made, in order (shown in failure messages)."""

    def _report_more(self) -> list[str]:
        """Lines a platform adds to the report (none by default)."""
        return []

    def report(self, last: int = 12) -> str:
        """The last calls, any violations and what the platform adds, for failure messages."""
        calls = self._calls()
        lines = [f"last {min(last, len(calls))} of {len(calls)} calls:"]
        lines += [f"  {c}" for c in calls[-last:]]
        if self.violations:
            lines += ["violations:", *(f"  {v}" for v in self.violations)]
        return "\n".join(lines + self._report_more())

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Start serving on 127.0.0.1 at a free port."""
        # A short shutdown: open long polls are released at once when stopping.
        self._runner = web.AppRunner(self._application(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        self._client = ClientSession()
        self._delivery = asyncio.create_task(self._deliver_loop())

    async def stop(self) -> None:
        """Release waiting long polls, stop webhook delivery and the server."""
        self._closing = True
        self._touch()
        delivery, self._delivery = self._delivery, None
        if delivery is not None:
            delivery.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await delivery
        client, self._client = self._client, None
        if client is not None:
            await client.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    @property
    def base_url(self) -> str:
        """The bot's API base, e.g. http://127.0.0.1:PORT (calls go to /bot<token>/<method>)."""
        if self._port is None:
            raise RuntimeError(f"the fake {self.platform} server is not started (use 'async with')")
        return f"http://127.0.0.1:{self._port}"

    @property
    def client(self) -> ClientSession:
        """The HTTP client that POSTs to the bot's webhook."""
        if self._client is None:
            raise RuntimeError(f"the fake {self.platform} server is not started")
        return self._client

    # ------------------------------------------------------------------ waiting

    async def wait_for(self, predicate: Callable[[], T | None], timeout: float = WAIT_TIMEOUT) -> T:  # noqa: ASYNC109 - a plain argument reads better in tests
        """Wait until predicate() is truthy and return its value; AssertionError on timeout."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"not met within {timeout} s\n{self.report()}")
            # Any change here wakes us at once; the cap also notices changes made elsewhere.
            await self._wait_change(min(remaining, 0.05))

    async def _wait_for_shown(
        self,
        sent: Callable[[], Sequence[M]],
        *,
        number: Callable[[M], int],
        substring: str,
        after: int,
        timeout: float,  # noqa: ASYNC109 - as wait_for
        where: str,
    ) -> M:
        """Wait for a bot message numbered above `after` that shows `substring`.

        On timeout the failure lists everything the bot sent there (`where`, e.g. "in chat 7").
        """

        def find() -> M | None:
            return next(
                (m for m in sent() if number(m) > after and substring in m.shown),
                None,
            )

        try:
            return await self.wait_for(find, timeout)
        except AssertionError:
            seen = "\n  ".join(f"#{number(m)}: {m.shown!r}" for m in sent())
            raise AssertionError(
                f"no bot message containing {substring!r} {where} within {timeout} s;"
                f" the bot sent:\n  {seen or '(nothing)'}\n{self.report()}"
            ) from None

    def _touch(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def _wait_change(self, seconds: float | None) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), seconds)
