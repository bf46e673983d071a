"""What the fake platform servers (Telegram, Zalo) share: an aiohttp server on a free port of
127.0.0.1, a client that POSTs updates to the bot's webhook, a background delivery task, and
waiting for the bot to do something.

A subclass says which routes it serves (`_application`), how it delivers queued updates to a
webhook (`_deliver_loop`, `_delivered`), which messages the bot sent to a chat (`sent_to`,
numbered by `_number`) and what a failure message should show (`_calls`, `_report_more`); it
calls `_touch()` after every change so waiters wake at once.
"""

from __future__ import annotations

import asyncio
import contextlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

from aiohttp import ClientSession, web

T = TypeVar("T")


class Shown(Protocol):
    """A message the bot sent, as the user reads it."""

    @property
    def shown(self) -> str: ...


class Hook(Protocol):
    """The webhook the bot set."""

    @property
    def url(self) -> str: ...

    @property
    def secret_token(self) -> str | None: ...


M = TypeVar("M", bound=Shown)
D = TypeVar("D")  # one POST to the webhook and the bot's answer

WAIT_TIMEOUT = 10.0


class ApiError(Exception):
    """An error answer: {"ok": false, "error_code", "description"}, with that HTTP status
    unless another is given (an empty long poll is HTTP 200)."""

    def __init__(
        self,
        code: int,
        description: str,
        *,
        http_status: int | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.http_status = http_status or code
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """The JSON answer."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


class FakeApiServer(ABC, Generic[M, D]):
    """The lifecycle and waiting of a fake Bot API server: `async with Fake() as fake: ...`."""

    platform: ClassVar[str]  # for messages: "Telegram", "Zalo"
    violations: list[str]  # calls that broke the platform's API, described
    webhook_responses: list[D]  # every automatic delivery to the webhook, in order
    _webhook: Hook | None

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

    @abstractmethod
    def sent_to(self, chat_id: Any) -> list[M]:
        """The bot's messages in a chat, in order."""

    @abstractmethod
    def _number(self, message: M) -> int:
        """Where a bot message stands in the order `wait_for_text(after=...)` counts."""

    @abstractmethod
    def _delivered(self) -> bool:
        """Whether every update queued for the webhook has been POSTed to it."""

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

    def assert_no_violations(self) -> None:
        """Fail if any call broke the platform's Bot API."""
        if self.violations:
            listing = "\n  ".join(self.violations)
            count = len(self.violations)
            raise AssertionError(f"{self.platform}: {count} Bot API violation(s):\n  {listing}")

    @property
    def webhook_url(self) -> str | None:
        """The webhook URL the bot set, if any."""
        return self._webhook.url if self._webhook else None

    @property
    def webhook_secret(self) -> str | None:
        """The secret_token the bot gave to setWebhook, if any."""
        return self._webhook.secret_token if self._webhook else None

    async def deliver(self, timeout: float = WAIT_TIMEOUT) -> list[D]:  # noqa: ASYNC109 - as wait_for
        """Wait until every queued update has been POSTed to the webhook; the new deliveries.

        Delivery itself is automatic (a background task posts updates as they are queued);
        this only waits for it.
        """
        if self._webhook is None:
            raise RuntimeError("no webhook is set: the bot has not called setWebhook")
        start = len(self.webhook_responses)
        await self.wait_for(self._delivered, timeout)
        return self.webhook_responses[start:]

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

    async def wait_for_text(
        self,
        chat_id: Any,
        substring: str,
        timeout: float = WAIT_TIMEOUT,  # noqa: ASYNC109 - as wait_for
        *,
        after: int = 0,
    ) -> M:
        """Wait for a bot message to the chat, numbered above `after`, showing `substring`.

        On timeout the failure lists everything the bot sent to that chat.
        """

        def find() -> M | None:
            return next(
                (
                    m
                    for m in self.sent_to(chat_id)
                    if self._number(m) > after and substring in m.shown
                ),
                None,
            )

        try:
            return await self.wait_for(find, timeout)
        except AssertionError:
            seen = "\n  ".join(f"#{self._number(m)}: {m.shown!r}" for m in self.sent_to(chat_id))
            raise AssertionError(
                f"no bot message containing {substring!r} in chat {chat_id} within {timeout} s;"
                f" the bot sent:\n  {seen or '(nothing)'}\n{self.report()}"
            ) from None

    def _touch(self) -> None:
        event, self._changed = self._changed, asyncio.Event()
        event.set()

    async def _wait_change(self, seconds: float | None) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), seconds)
