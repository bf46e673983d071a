"""Logging of every quizbot command: what is written never carries a bot token or a secret.

A bot token travels in every Bot API address (`…/bot<TOKEN>/<method>`, and Telegram's file
server `…/file/bot<TOKEN>/<path>`), so an HTTP error, a redirect or a traceback can carry it.
Every handler the project installs formats through `RedactingFormatter`, which hides, in the
final text (message, arguments, traceback, stack):
- the `bot<…>` segment of any address holding a token (`/bot***/`);
- anything shaped like a Telegram or Zalo bot token, `<bot id>:<secret>` (Telegram: 35
  letters, digits, `_` or `-`; Zalo: a secret of its own length): the bot id stays, it is
  public, the secret becomes `***`;
- the secrets the settings hold (tokens, webhook secrets), whatever their shape.
The code that knows it is handling an address logs without it as well (a failed download, a
channel that cannot start); this layer is there for what nobody thought of.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
HIDDEN = "***"
# The token segment of a Bot API address; ':' may arrive percent-encoded.
_URL_TOKEN = re.compile(r"/bot[^/\s'\"<>]*?(?::|%3[Aa])[^/\s'\"<>]*")
# A bot token anywhere: the bot id (6+ digits), ':', a secret of 12+ token characters.
_TOKEN_SHAPE = re.compile(r"(?<![0-9])([0-9]{6,})(?::|%3[Aa])[A-Za-z0-9_-]{12,}")
# Shorter values are not secrets worth hiding (and would hide ordinary words).
MIN_SECRET_CHARS = 8


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every bot token and every one of `secrets` replaced by ***."""
    for secret in secrets:
        if len(secret) >= MIN_SECRET_CHARS and secret in text:
            text = text.replace(secret, HIDDEN)
    text = _URL_TOKEN.sub("/bot" + HIDDEN, text)
    return _TOKEN_SHAPE.sub(r"\1:" + HIDDEN, text)


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


def handler(stream: TextIO, secrets: Iterable[str] = ()) -> logging.Handler:
    """A handler writing to `stream` through a RedactingFormatter hiding `secrets`."""
    made = _OurHandler(stream)
    made.setFormatter(RedactingFormatter(FORMAT, secrets))
    return made


def configure(level: str | int, *, secrets: Iterable[str] = ()) -> None:
    """Log at `level` to stderr through a RedactingFormatter hiding `secrets`.

    A second call replaces the handler the first one installed (the settings, and so the
    secrets, may differ). Like logging.basicConfig, it leaves logging alone when someone else
    (a test run) has set it up already.
    """
    root = logging.getLogger()
    if any(not isinstance(h, _OurHandler) for h in root.handlers):
        return
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(sys.stderr, secrets))
    root.setLevel(level)
    # Python's warnings too go through the handler rather than straight to stderr.
    logging.captureWarnings(True)
