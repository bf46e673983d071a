"""Rules of the Bot API that a parameter's type alone does not say, as Telegram enforces
them: lengths after entity parsing, button actions, command names, chat actions."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.fake_telegram.formatting import visible_text

PARSE_MODES = {"html", "markdown", "markdownv2"}
CHAT_ACTIONS = {
    "typing",
    "upload_photo",
    "record_video",
    "upload_video",
    "record_voice",
    "upload_voice",
    "upload_document",
    "choose_sticker",
    "find_location",
    "record_video_note",
    "upload_video_note",
}
# Of an inline button's fields, these say how it looks; every other field is an action.
BUTTON_LOOKS = {"text", "icon_custom_emoji_id", "style"}
COMMAND_RE = re.compile(r"[a-z0-9_]{1,32}")
SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_TEXT_LIMIT = 200
COMMANDS_LIMIT = 100


def method_rules(method: str, fields: set[str], params: dict[str, Any]) -> list[str]:
    """Rules for a call of `method` (with these documented parameters) whose parameters have
    the right types."""
    problems: list[str] = []
    parse_mode = _text(params.get("parse_mode"))
    if parse_mode is not None and parse_mode.lower() not in PARSE_MODES:
        problems.append(f"parse_mode: unsupported parse mode {parse_mode!r}")
        parse_mode = None

    if method in ("sendMessage", "editMessageText") and not absent(params.get("text")):
        problems += _length("text", _text(params["text"]) or "", parse_mode, 1, TEXT_LIMIT)
    if (
        method == "editMessageText"
        and absent(params.get("text"))
        and absent(params.get("rich_message"))
    ):
        problems.append("missing parameter 'text'")
    if "caption" in fields and not absent(params.get("caption")):
        problems += _length("caption", _text(params["caption"]) or "", parse_mode, 0, CAPTION_LIMIT)
    if method == "answerCallbackQuery" and not absent(params.get("text")):
        text = _text(params["text"]) or ""
        if len(text) > CALLBACK_TEXT_LIMIT:
            problems.append(f"text: at most {CALLBACK_TEXT_LIMIT} characters, got {len(text)}")
    if {"inline_message_id", "message_id", "chat_id"} <= fields:
        # Edits name their message either way, and one of the two ways is needed.
        inline = not absent(params.get("inline_message_id"))
        chat_msg = not absent(params.get("chat_id")) and not absent(params.get("message_id"))
        if inline == chat_msg:
            problems.append("give either inline_message_id, or chat_id and message_id")
    if method == "setMyCommands":
        commands = decode_nested(params.get("commands"), True)
        if isinstance(commands, list) and len(commands) > COMMANDS_LIMIT:
            problems.append(f"commands: at most {COMMANDS_LIMIT}, got {len(commands)}")
    if method == "sendChatAction":
        action = _text(params.get("action"))
        if action not in CHAT_ACTIONS:
            problems.append(f"action: unsupported chat action {action!r}")
    if method == "setWebhook" and not absent(params.get("secret_token")):
        secret = _text(params["secret_token"]) or ""
        if not SECRET_TOKEN_RE.fullmatch(secret):
            problems.append("secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and - only")
    return problems


def object_rules(t: str, obj: dict[str, Any], where: str) -> list[str]:
    """Rules the field list alone does not say (from the types' descriptions)."""
    problems: list[str] = []
    if t == "InlineKeyboardButton":
        if not obj.get("text"):
            problems.append(f"{where}.text: button text must not be empty")
        actions = sorted(k for k in obj if k not in BUTTON_LOOKS and obj[k] is not None)
        if len(actions) != 1:
            problems.append(
                f"{where}: an inline button needs exactly one action, got {actions or 'none'}"
            )
        data = obj.get("callback_data")
        if isinstance(data, str) and not 1 <= len(data.encode()) <= 64:
            problems.append(f"{where}.callback_data: must be 1-64 bytes, got {len(data.encode())}")
    elif t.startswith("InputMedia") and obj.get("caption") is not None:
        # A media's caption is read like a send's: parsed in its own parse mode, then counted.
        mode = _text(obj.get("parse_mode"))
        problems += _length(f"{where}.caption", _text(obj["caption"]) or "", mode, 0, CAPTION_LIMIT)
    elif t == "KeyboardButton":
        if not obj.get("text"):
            problems.append(f"{where}.text: button text must not be empty")
    elif t == "BotCommand":
        command = str(obj.get("command", ""))
        description = str(obj.get("description", ""))
        if not COMMAND_RE.fullmatch(command):
            problems.append(
                f"{where}.command: 1-32 lowercase letters, digits or underscores, got {command!r}"
            )
        if not 1 <= len(description) <= 256:
            problems.append(
                f"{where}.description: must be 1-256 characters, got {len(description)}"
            )
    return problems


def _length(name: str, value: str, parse_mode: str | None, low: int, high: int) -> list[str]:
    parsed = visible_text(value, parse_mode)
    if parsed.error:
        return [f"{name}: {parsed.error}"]
    size = len(parsed.text)
    if low and not parsed.text.strip():
        return [f"{name}: must not be empty (after entity parsing)"]
    if size > high:
        return [f"{name}: must be {low}-{high} characters after entity parsing, got {size}"]
    return []


def absent(value: Any) -> bool:
    # aiogram leaves empty values out; a JSON null means 'not given' too.
    return value is None


def decode_nested(value: Any, top: bool) -> Any:
    """A top-level form field holds nested objects JSON-encoded; decode it (else leave as is)."""
    if top and isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else str(value)
