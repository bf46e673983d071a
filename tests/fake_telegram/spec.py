"""The Bot API as data (the shared api.json): checks a call's parameters the way Telegram would."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.fake_telegram.models import UploadedFile

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "telegram-bot-api" / "api.json"

# Nested objects are checked this deep; RichText is recursive, so some bound is needed.
MAX_DEPTH = 8

PRIMITIVES = {"Integer", "Float", "Boolean", "String", "InputFile"}
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
INTEGER_RE = re.compile(r"[+-]?\d+")
# A subtype's discriminator, as the docs word it: 'Scope type, must be chat', 'always "user"'.
CONSTANT_RE = re.compile(r'(?:must be|always) "?([a-z][a-z_]*)"?$')

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_TEXT_LIMIT = 200
COMMANDS_LIMIT = 100


class SpecNotFoundError(FileNotFoundError):
    """The shared api.json is not where the tests expect it."""


# ---------------------------------------------------------------------------------------- HTML

# Telegram's HTML tags, and the entity type each one makes.
HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9-]*)"
    r"((?:\s+[^\s/>=\"']+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'=<>`]+))?)*)\s*(/?)>"
)
_ATTR_RE = re.compile(r"([^\s/>=\"']+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'=<>`]+)))?")
_ENTITY_RE = re.compile(r"&(?:#(\d+)|#[xX]([0-9A-Fa-f]+)|(lt|gt|amp|quot));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


@dataclass
class ParsedText:
    """Text after entity parsing: what the user sees, its entities, and the first error if any."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


def _utf16_len(s: str) -> int:
    # Telegram's entity offsets and lengths count UTF-16 code units.
    return len(s.encode("utf-16-le")) // 2


def parse_html(source: str) -> ParsedText:
    """Parse Telegram HTML (parse_mode=HTML) into visible text and entities, or say what's wrong."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    # Open tags: (name, attributes, UTF-16 offset where the entity starts).
    stack: list[tuple[str, dict[str, str], int]] = []
    pos16 = 0
    i = 0

    def at(index: int) -> str:
        # Telegram reports positions as UTF-8 byte offsets.
        return f"at byte offset {len(source[:index].encode())}"

    def fail(message: str) -> ParsedText:
        return ParsedText("".join(out), entities, f"can't parse entities: {message}")

    while i < len(source):
        ch = source[i]
        if ch == "<":
            m = _TAG_RE.match(source, i)
            if m is None:
                return fail(f"unescaped '<' {at(i)} (write &lt;)")
            closing, name, raw_attrs, self_closing = (
                m.group(1),
                m.group(2).lower(),
                m.group(3),
                m.group(4),
            )
            if name not in HTML_TAGS:
                kind = "end" if closing else "start"
                return fail(f'unsupported {kind} tag "{name}" {at(i)}')
            if self_closing:
                return fail(f'self-closing tag "{name}" {at(i)} is not supported')
            if closing:
                if raw_attrs.strip():
                    return fail(f'end tag "{name}" {at(i)} has attributes')
                if not stack:
                    return fail(f'unexpected end tag "{name}" {at(i)}')
                open_name, attrs, start = stack.pop()
                if open_name != name:
                    return fail(
                        f'unmatched end tag {at(i)}, expected "</{open_name}>", found "</{name}>"'
                    )
                entity = _entity_for(open_name, attrs, start, pos16 - start, stack)
                if entity is not None:
                    entities.append(entity)
            else:
                attrs = {
                    a.group(1).lower(): html.unescape(a.group(2) or a.group(3) or a.group(4) or "")
                    for a in _ATTR_RE.finditer(raw_attrs)
                }
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    return fail(f'tag "span" {at(i)} must have class "tg-spoiler"')
                if name == "tg-emoji" and not attrs.get("emoji-id"):
                    return fail(f'tag "tg-emoji" {at(i)} must have attribute "emoji-id"')
                stack.append((name, attrs, pos16))
            i = m.end()
        elif ch == ">":
            return fail(f"unescaped '>' {at(i)} (write &gt;)")
        elif ch == "&":
            m = _ENTITY_RE.match(source, i)
            if m is None:
                return fail(f"unescaped '&' {at(i)} (write &amp;)")
            if m.group(3):
                char = _NAMED[m.group(3)]
            else:
                code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
                if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                    return fail(f"bad character reference {m.group(0)} {at(i)}")
                char = chr(code)
            out.append(char)
            pos16 += _utf16_len(char)
            i = m.end()
        else:
            out.append(ch)
            pos16 += _utf16_len(ch)
            i += 1
    if stack:
        return fail(f'can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return ParsedText("".join(out), entities)


def _entity_for(
    name: str,
    attrs: dict[str, str],
    offset: int,
    length: int,
    outer: list[tuple[str, dict[str, str], int]],
) -> dict[str, Any] | None:
    if length == 0:
        return None  # Telegram drops empty entities
    if name == "code" and outer and outer[-1][0] == "pre":
        # <pre><code class="language-x"> gives the pre its language instead of a code entity.
        lang = attrs.get("class", "")
        if lang.startswith("language-"):
            outer[-1][1]["language"] = lang.removeprefix("language-")
        return None
    entity: dict[str, Any] = {"type": HTML_TAGS[name], "offset": offset, "length": length}
    if name == "a":
        entity["url"] = attrs.get("href", "")
    elif name == "pre" and attrs.get("language"):
        entity["language"] = attrs["language"]
    elif name == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif name == "tg-emoji":
        entity["custom_emoji_id"] = attrs["emoji-id"]
    return entity


def visible_text(value: str, parse_mode: str | None) -> ParsedText:
    """The text Telegram would show for `value` sent with `parse_mode` (Markdown is not parsed)."""
    if parse_mode is not None and parse_mode.lower() == "html":
        return parse_html(value)
    return ParsedText(value)


# ---------------------------------------------------------------------------------------- spec


class BotApiSpec:
    """The Bot API methods and types, with a checker for calls."""

    _cache: dict[Path, BotApiSpec] = {}  # noqa: RUF012 - one parsed copy per file is enough

    def __init__(self, data: dict[str, Any]) -> None:
        self.version: str = data.get("version", "?")
        self.methods: dict[str, dict[str, Any]] = data["methods"]
        self.types: dict[str, dict[str, Any]] = data["types"]
        self._by_lower = {name.lower(): name for name in self.methods}
        self._constants = {
            name: {
                f["name"]: m.group(1)
                for f in t.get("fields", [])
                if f["types"] == ["String"] and (m := CONSTANT_RE.search(f["description"]))
            }
            for name, t in self.types.items()
        }

    @classmethod
    def load(cls, path: Path | None = None) -> BotApiSpec:
        """The spec from `path` (default: the shared api.json beside the repository), cached."""
        path = path or SPEC_PATH
        if path not in cls._cache:
            if not path.is_file():
                raise SpecNotFoundError(
                    f"Bot API spec not found at {path}: the 'shared' folder (with "
                    "telegram-bot-api/api.json) must sit beside the repository's folder"
                )
            cls._cache[path] = cls(json.loads(path.read_text(encoding="utf-8")))
        return cls._cache[path]

    def method_name(self, method: str) -> str | None:
        """The documented spelling of `method` (Telegram matches names case-insensitively)."""
        return self._by_lower.get(method.lower())

    def returns(self, method: str) -> list[str]:
        """The documented result types of a method."""
        name = self.method_name(method)
        return list(self.methods[name].get("returns", [])) if name else []

    def check(self, method: str, params: dict[str, Any]) -> list[str]:
        """Violations of the Bot API in a call, each as 'method: what is wrong'."""
        return [f"{method}: {p}" for p in self.problems(method, params)]

    def problems(self, method: str, params: dict[str, Any]) -> list[str]:
        """Violations of the Bot API in a call, without the method's name."""
        name = self.method_name(method)
        if name is None:
            return ["unknown method"]
        fields = {f["name"]: f for f in self.methods[name].get("fields", [])}
        problems: list[str] = []
        for fname, f in fields.items():
            if f["required"] and _absent(params.get(fname)):
                problems.append(f"missing required parameter '{fname}'")
        for key, value in params.items():
            f = fields.get(key)
            if f is None:
                problems.append(f"unknown parameter '{key}'")
            elif not _absent(value):
                problems += self._check_value(value, f["types"], key, 0, top=True)
        if not problems:
            # The rules below read values whose types are now known to be right.
            problems += self._method_rules(name, params)
        return problems

    def check_object(self, type_name: str, value: Any) -> list[str]:
        """Violations in an object said to be a `type_name` (e.g. the fake's own output)."""
        return self._check_value(value, [type_name], type_name, 0, top=False)

    # ------------------------------------------------------------------ types

    def _check_value(
        self, value: Any, types: list[str], where: str, depth: int, *, top: bool
    ) -> list[str]:
        """Problems with `value` as the best-fitting of `types`; none if any fits."""
        if depth > MAX_DEPTH:
            return []
        if top and isinstance(value, str) and value.startswith("attach://"):
            # The server swaps attach:// references for their file parts; this one had none.
            return [f"{where}: {value} names no uploaded file part"]
        candidates = list(types)
        objects = [t for t in candidates if t in self.types]
        if len(objects) > 1 and isinstance(_decoded(value, top), dict):
            # Check only the object types whose shape fits best, so a mistake in an
            # inline keyboard is not reported as 'not a ReplyKeyboardMarkup'.
            decoded = _decoded(value, top)
            scores = {t: self._shape_distance(decoded, t) for t in objects}
            best = min(scores.values())
            candidates = [t for t in candidates if t not in self.types or scores[t] == best]
        first: list[str] | None = None
        for t in candidates:
            problems = self._check_type(value, t, where, depth, top=top)
            if not problems:
                return []
            first = first if first is not None else problems
        return first or []

    def _shape_distance(self, value: dict[str, Any], type_name: str) -> int:
        t = self.types[type_name]
        if "subtypes" in t:
            subs = [s for s in t["subtypes"] if s in self.types]
            return min((self._shape_distance(value, s) for s in subs), default=0)
        names = {f["name"] for f in t.get("fields", [])}
        required = {f["name"] for f in t.get("fields", []) if f["required"]}
        wrong_constant = sum(
            1 for k, c in self._constants.get(type_name, {}).items() if k in value and value[k] != c
        )
        return len(set(value) - names) + len(required - set(value)) + 10 * wrong_constant

    def _check_type(self, value: Any, t: str, where: str, depth: int, *, top: bool) -> list[str]:
        if t.startswith("Array of "):
            items = _decoded(value, top)
            if not isinstance(items, list):
                return [f"{where}: expected a JSON array ({t}), got {_show(value)}"]
            problems: list[str] = []
            for n, item in enumerate(items):
                problems += self._check_value(
                    item, [t.removeprefix("Array of ")], f"{where}[{n}]", depth + 1, top=False
                )
            return problems
        if t == "Integer":
            ok = (isinstance(value, int) and not isinstance(value, bool)) or (
                isinstance(value, float) and value.is_integer()
            )
            ok = ok or (isinstance(value, str) and INTEGER_RE.fullmatch(value.strip()) is not None)
            return [] if ok else [f"{where}: expected Integer, got {_show(value)}"]
        if t == "Float":
            return [] if _is_float(value) else [f"{where}: expected Float, got {_show(value)}"]
        if t == "Boolean":
            ok = isinstance(value, bool) or value in (0, 1)
            ok = ok or (isinstance(value, str) and value.lower() in ("true", "false", "1", "0"))
            return [] if ok else [f"{where}: expected Boolean, got {_show(value)}"]
        if t == "String":
            # Telegram turns a JSON integer into a string where a String is expected.
            ok = isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))
            return [] if ok else [f"{where}: expected String, got {_show(value)}"]
        if t == "InputFile":
            ok = isinstance(value, UploadedFile)
            return (
                []
                if ok
                else [f"{where}: expected an uploaded file (multipart part), got {_show(value)}"]
            )
        spec = self.types.get(t)
        if spec is None:
            return []  # a type this spec does not describe: nothing to check against
        obj = _decoded(value, top)
        if "subtypes" in spec:
            return self._check_value(obj, spec["subtypes"], where, depth + 1, top=False)
        if t == "KeyboardButton" and isinstance(obj, str):
            # A plain string is still accepted as a text-only reply button.
            return [] if obj else [f"{where}: button text must not be empty"]
        if not isinstance(obj, dict):
            return [f"{where}: expected a JSON object ({t}), got {_show(value)}"]
        return self._check_object(obj, t, where, depth)

    def _check_object(self, obj: dict[str, Any], t: str, where: str, depth: int) -> list[str]:
        fields = {f["name"]: f for f in self.types[t].get("fields", [])}
        problems: list[str] = []
        for name, f in fields.items():
            if f["required"] and _absent(obj.get(name)):
                problems.append(f"{where}: missing required field '{name}' of {t}")
        for key, value in obj.items():
            f = fields.get(key)
            if f is None:
                problems.append(f"{where}.{key}: unknown field of {t}")
            elif value is not None:
                problems += self._check_value(
                    value, f["types"], f"{where}.{key}", depth + 1, top=False
                )
        for key, constant in self._constants.get(t, {}).items():
            if key in obj and obj[key] != constant:
                problems.append(f"{where}.{key}: must be {constant!r} for {t}")
        if not problems:
            problems += _object_rules(t, obj, where)
        return problems

    # ------------------------------------------------------------------ method rules

    def _method_rules(self, method: str, params: dict[str, Any]) -> list[str]:
        problems: list[str] = []
        fields = {f["name"] for f in self.methods[method].get("fields", [])}
        parse_mode = _text(params.get("parse_mode"))
        if parse_mode is not None and parse_mode.lower() not in PARSE_MODES:
            problems.append(f"parse_mode: unsupported parse mode {parse_mode!r}")
            parse_mode = None

        if method in ("sendMessage", "editMessageText") and not _absent(params.get("text")):
            problems += _length("text", _text(params["text"]) or "", parse_mode, 1, TEXT_LIMIT)
        if (
            method == "editMessageText"
            and _absent(params.get("text"))
            and _absent(params.get("rich_message"))
        ):
            problems.append("missing parameter 'text'")
        if "caption" in fields and not _absent(params.get("caption")):
            problems += _length(
                "caption", _text(params["caption"]) or "", parse_mode, 0, CAPTION_LIMIT
            )
        if method == "answerCallbackQuery" and not _absent(params.get("text")):
            text = _text(params["text"]) or ""
            if len(text) > CALLBACK_TEXT_LIMIT:
                problems.append(f"text: at most {CALLBACK_TEXT_LIMIT} characters, got {len(text)}")
        if {"inline_message_id", "message_id", "chat_id"} <= fields:
            # Edits name their message either way, and one of the two ways is needed.
            inline = not _absent(params.get("inline_message_id"))
            chat_msg = not _absent(params.get("chat_id")) and not _absent(params.get("message_id"))
            if inline == chat_msg:
                problems.append("give either inline_message_id, or chat_id and message_id")
        if method == "setMyCommands":
            commands = _decoded(params.get("commands"), True)
            if isinstance(commands, list) and len(commands) > COMMANDS_LIMIT:
                problems.append(f"commands: at most {COMMANDS_LIMIT}, got {len(commands)}")
        if method == "sendChatAction":
            action = _text(params.get("action"))
            if action not in CHAT_ACTIONS:
                problems.append(f"action: unsupported chat action {action!r}")
        if method == "setWebhook" and not _absent(params.get("secret_token")):
            secret = _text(params["secret_token"]) or ""
            if not SECRET_TOKEN_RE.fullmatch(secret):
                problems.append("secret_token: 1-256 characters of A-Z, a-z, 0-9, _ and - only")
        return problems


def _object_rules(t: str, obj: dict[str, Any], where: str) -> list[str]:
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


def _absent(value: Any) -> bool:
    # aiogram leaves empty values out; a JSON null means 'not given' too.
    return value is None


def _decoded(value: Any, top: bool) -> Any:
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


def _is_float(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    if isinstance(value, str):
        try:
            float(value)
        except ValueError:
            return False
        return True
    return False


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
