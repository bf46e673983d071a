"""What a bot process counts for its operators, exposed at /metrics in Prometheus's format.

The counters live in the process (prometheus_client's default registry) and are bumped at the
seams: the engine (each update handled), the Bot API sessions (each call and each 429), the
broadcaster (each message) and the scheduler (each job). What lives in Redis or SQL (attempts in
progress, broadcasts still to send) is read when /metrics is asked.
"""

from __future__ import annotations

from typing import Any

from prometheus_client import Counter, Gauge, Histogram

UPDATES = Counter(
    "quizbot_updates", "Updates handled, by channel and outcome", ["channel", "outcome"]
)
HANDLING = Histogram(
    "quizbot_update_handling_seconds",
    "Time the engine took over one update, by channel",
    ["channel"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
API_CALLS = Counter(
    "quizbot_bot_api_calls", "Bot API requests made, by channel and method", ["channel", "method"]
)
API_429 = Counter(
    "quizbot_bot_api_rate_limited",
    "Bot API requests answered 429 (too many requests), by channel and method",
    ["channel", "method"],
)
PACER_WAIT = Histogram(
    "quizbot_pacer_wait_seconds",
    "Time a message waited for its turn under the platform's limits, by channel and kind",
    ["channel", "kind"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
)
LIVE_ATTEMPTS = Gauge("quizbot_live_attempts", "Attempts in progress")
BROADCAST_MESSAGES = Counter(
    "quizbot_broadcast_messages",
    "Broadcast messages handed to a channel, by channel and outcome",
    ["channel", "outcome"],
)
BROADCAST_REMAINING = Gauge(
    "quizbot_broadcast_recipients_remaining", "Recipients of unfinished broadcasts still to send"
)
BROADCASTS_SENDING = Gauge("quizbot_broadcasts_sending", "Broadcasts not finished yet")
SCHEDULER_JOBS = Counter(
    "quizbot_scheduler_jobs", "Scheduled jobs run, by kind and outcome", ["job", "outcome"]
)

# Labelled children by their labels: an answer tap should not pay for looking them up.
_handled: dict[tuple[str, str], Any] = {}
_timed: dict[str, Any] = {}


def update_handled(channel: str, outcome: str, seconds: float) -> None:
    """Count one update the engine finished with ("handled", "ignored" or "failed")."""
    counter = _handled.get((channel, outcome))
    if counter is None:
        counter = _handled[(channel, outcome)] = UPDATES.labels(channel, outcome)
    timer = _timed.get(channel)
    if timer is None:
        timer = _timed[channel] = HANDLING.labels(channel)
    counter.inc()
    timer.observe(seconds)


def api_call(channel: str, method: str) -> None:
    """Count one Bot API request."""
    API_CALLS.labels(channel, method).inc()


def api_rate_limited(channel: str, method: str) -> None:
    """Count one Bot API request the platform answered with 429 (too many requests)."""
    API_429.labels(channel, method).inc()
