"""The calendar's fixtures (tests/scheduler/conftest.py): a recording channel, one organiser,
the announcement chat, the broadcaster and the scheduler."""

from tests.scheduler.conftest import broadcaster, channel, chat, jobs, scheduler

__all__ = ["broadcaster", "channel", "chat", "jobs", "scheduler"]
