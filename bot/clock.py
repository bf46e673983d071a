"""The one source of time: the system clock in production, a settable clock in tests and demos."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        """The current instant (UTC)."""
        return datetime.now(UTC)


class ManualClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """The instant the clock was last set to (UTC)."""
        return self._now

    def set(self, instant: datetime) -> None:
        """Jump to an instant; time never runs backwards."""
        instant = instant.astimezone(UTC)
        if instant < self._now:
            raise ValueError("time does not run backwards")
        self._now = instant

    def advance(self, delta: timedelta | None = None, /, **kwargs: float) -> datetime:
        """Move forward by a timedelta or by keyword units (seconds=5, days=1)."""
        self._now += delta if delta is not None else timedelta(**kwargs)
        return self._now


class OffsetClock:
    """Real time shifted to start at a chosen instant: trying the bot inside a past round."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("OffsetClock needs an aware datetime")
        self._offset = start - datetime.now(UTC)

    def now(self) -> datetime:
        """The shifted current instant (UTC)."""
        return datetime.now(UTC) + self._offset
