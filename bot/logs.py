"""Logging of every quizbot command: what is written never carries a bot token or a secret.

A bot token travels in every Bot API address (`…/bot<TOKEN>/<method>`, and Telegram's file
server `…/file/bot<TOKEN>/<path>`), so an HTTP error, a redirect or a traceback can carry it.
Every handler the project installs formats through `RedactingFormatter`, which hides, in the
final text (message, arguments, traceback, stack):
- the `bot<…>` segment of any address holding a token (`/bot***/`);
- anything shaped like a Telegram or Zalo bot token, `<bot id>:<secret>` (Telegram: 35
  letters, digits, `_` or `-`; Zalo: a secret of its own length): the bot id stays, it is
  public, the secret becomes `***`;
- the secrets the settings hold (tokens, webhook secrets), whatever their shape;
- anything shaped like a Vietnamese mobile number (+849…, 849…, 09…, spaced or not): all but
  its last three digits, as the public results show it.
The code that knows it is handling an address logs without it as well (a failed download, a
channel that cannot start), and nothing logs a participant's phone; this layer is there for
what nobody thought of.

With LOG_FORMAT=json each record is one JSON object per line (`JsonFormatter`): time, level,
logger, message, and for an update the engine finished its channel, kind and outcome; every
value goes through the same hiding.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HIDDEN = "***"
# The token segment of a Bot API address; ':' may arrive percent-encoded.
_URL_TOKEN = re.compile(r"/bot[^/\s'\"<>]*?(?::|%3[Aa])[^/\s'\"<>]*")
# A bot token anywhere: the bot id (6+ digits), ':', a secret of 12+ token characters.
_TOKEN_SHAPE = re.compile(r"(?<![0-9])([0-9]{6,})(?::|%3[Aa])[A-Za-z0-9_-]{12,}")
# A Vietnamese mobile number as people and programs write it: +84 or 84 or 0 (also "+84 0…"),
# then 3/5/7/8/9 and eight digits, single spaces, dots or dashes allowed between digits.
_PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)84[ .\-]?0?|84|0)[ .\-]?[35789](?:[ .\-]?\d){8}(?!\d)")
# Shorter values are not secrets worth hiding (and would hide ordinary words).
MIN_SECRET_CHARS = 8


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every bot token and every one of `secrets` replaced by ***."""
    for secret in secrets:
        if len(secret) >= MIN_SECRET_CHARS and secret in text:
            text = text.replace(secret, HIDDEN)
    text = _URL_TOKEN.sub("/bot" + HIDDEN, text)
    text = _TOKEN_SHAPE.sub(r"\1:" + HIDDEN, text)
    return _PHONE.sub(_masked_phone, text)


def _masked_phone(match: re.Match[str]) -> str:
    return "*******" + re.sub(r"\D", "", match.group())[-3:]


class RedactingFormatter(logging.Formatter):
    """A Formatter whose output, traceback included, has every secret hidden."""

    def __init__(self, fmt: str = FORMAT, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = tuple(s for s in secrets if len(s) >= MIN_SECRET_CHARS)

    def formatException(self, ei: logging._SysExcInfoType) -> str:  # noqa: N802 - logging's name
        # Hidden here too: the record caches this text for any other handler.
        return redact(super().formatException(ei), self.secrets)

    def format(self, record: logging.LogRecord) -> str:
        """The record's final text, secrets hidden."""
        return redact(super().format(record), self.secrets)


# What the engine attaches to the record of each update it finished (see `update_handled`).
UPDATE_FIELDS = ("channel", "kind", "outcome", "update_id", "duration_ms")


class JsonFormatter(RedactingFormatter):
    """One JSON object per line: time (UTC), level, logger, message, the update's fields when
    the record has them, and the traceback; every secret hidden in each of them."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one line of JSON."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage(), self.secrets),
        }
        for name in UPDATE_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                entry[name] = redact(value, self.secrets) if isinstance(value, str) else value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = redact(record.exc_text, self.secrets)
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info), self.secrets)
        return json.dumps(entry, ensure_ascii=False)


_updates = logging.getLogger("bot.updates")


def update_handled(
    channel: str, kind: str, outcome: str, seconds: float, update_id: str | None = None
) -> None:
    """Log one update the engine finished, with its channel, kind and outcome as fields."""
    if _updates.isEnabledFor(logging.INFO):
        ms = round(seconds * 1000, 1)
        _updates.info(
            "%s %s %s in %s ms",
            channel,
            kind,
            outcome,
            ms,
            extra={
                "channel": channel,
                "kind": kind,
                "outcome": outcome,
                "update_id": update_id,
                "duration_ms": ms,
            },
        )


class RedactingFilter(logging.Filter):
    """Hides tokens in a logger's records before any handler sees them (for loggers whose
    records may reach handlers the project did not install, such as a test's)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Always keeps the record; rewrites its message with the tokens hidden."""
        message = record.getMessage()
        hidden = redact(message)
        if hidden != message:
            record.msg, record.args = hidden, None
        return True


def redact_logger(name: str) -> None:
    """Put a RedactingFilter on the named logger (once)."""
    logger = logging.getLogger(name)
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


class _OurHandler(logging.StreamHandler[TextIO]):
    """The handler configure() installs, so a second call replaces it instead of adding one."""


LogFormat = Literal["text", "json"]


def handler(
    stream: TextIO, secrets: Iterable[str] = (), *, fmt: LogFormat = "text"
) -> logging.Handler:
    """A handler writing to `stream` lines of text (or JSON) with `secrets` hidden."""
    made = _OurHandler(stream)
    made.setFormatter(
        JsonFormatter(secrets=secrets) if fmt == "json" else RedactingFormatter(FORMAT, secrets)
    )
    return made


def configure(level: str | int, *, secrets: Iterable[str] = (), fmt: LogFormat = "text") -> None:
    """Log at `level` to stderr, as text or JSON lines (`fmt`), hiding `secrets`.

    A second call replaces the handler the first one installed (the settings, and so the
    secrets, may differ). Like logging.basicConfig, it leaves logging alone when someone else
    (a test run) has set it up already.
    """
    root = logging.getLogger()
    if any(not isinstance(h, _OurHandler) for h in root.handlers):
        return
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(sys.stderr, secrets, fmt=fmt))
    root.setLevel(level)
    # fontTools tells at INFO every glyph it keeps of a certificate's typeface: hundreds of
    # lines per certificate, nothing an operator needs.
    logging.getLogger("fontTools").setLevel(max(logging.WARNING, root.level))
    # Python's warnings too go through the handler rather than straight to stderr.
    logging.captureWarnings(True)
