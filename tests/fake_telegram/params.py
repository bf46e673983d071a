"""Reading the parameters of a Bot API call, as Telegram does whether they came as JSON,
a query string or a form."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

from tests.fake_telegram.models import UploadedFile

ATTACH_RE = re.compile(r"attach://([A-Za-z0-9_-]+)")


def json_param(value: Any) -> Any:
    """A parameter that holds JSON: decoded if it came as a (form) string."""
    if isinstance(value, str):
        return json.loads(value)
    return value


def inline_markup(markup: Any) -> dict[str, Any] | None:
    """Only an inline keyboard with buttons stays on a message."""
    if isinstance(markup, dict) and markup.get("inline_keyboard"):
        return markup
    return None


def nonempty_markup(markup: Any) -> dict[str, Any] | None:
    """A reply_markup as a message keeps it: an empty inline keyboard is none."""
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return inline_markup(markup)
    return markup if isinstance(markup, dict) else None


def scope_key(scope: Any) -> str:
    """A BotCommandScope as a key (the default scope when none is given)."""
    return json.dumps(scope or {"type": "default"}, sort_keys=True)


def menu_key(params: dict[str, Any]) -> tuple[str, str]:
    """The command menu a set/get/deleteMyCommands call is about: its scope and language."""
    return scope_key(json_param(params.get("scope"))), opt_str(params.get("language_code")) or ""


def str_param(value: Any) -> str:
    """A parameter as a string (a form sends every value as one)."""
    return value if isinstance(value, str) else str(value)


def opt_str(value: Any) -> str | None:
    """An optional parameter as a string, or None."""
    return None if value is None else str_param(value)


def int_or_none(value: Any) -> int | None:
    """A parameter as an integer, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value.strip())
    return None


def bool_param(value: Any) -> bool:
    """A Boolean parameter ("true" or "1" from a form)."""
    if isinstance(value, str):
        return value.lower() in ("true", "1")
    return bool(value)


def resolve_attachments(params: dict[str, Any]) -> dict[str, UploadedFile]:
    """Put file parts where 'attach://<name>' names them, and drop the parts' own keys.
    The parts named inside JSON (an InputMedia's media) are returned by name."""
    parts = {k for k, v in params.items() if isinstance(v, UploadedFile)}
    used: set[str] = set()
    nested: dict[str, UploadedFile] = {}
    for key, value in list(params.items()):
        if not isinstance(value, str):
            continue
        if value.startswith("attach://") and value.removeprefix("attach://") in parts:
            name = value.removeprefix("attach://")
            params[key] = params[name]
            used.add(name)
        else:
            # References inside JSON stay as they are; the method reads them.
            nested.update((n, params[n]) for n in ATTACH_RE.findall(value) if n in parts)
    for name in used | nested.keys():
        params.pop(name, None)
    return nested
