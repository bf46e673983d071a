"""The Bot API as data (the shared api.json): checks a call's parameters the way Telegram would.

The types come from the spec; the rules it words only in prose are in rules.py, and what
formatted text shows is in formatting.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.fake_telegram.models import UploadedFile
from tests.fake_telegram.rules import absent, decode_nested, method_rules, object_rules

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "telegram-bot-api" / "api.json"

# Nested objects are checked this deep; RichText is recursive, so some bound is needed.
MAX_DEPTH = 8

PRIMITIVES = {"Integer", "Float", "Boolean", "String", "InputFile"}
INTEGER_RE = re.compile(r"[+-]?\d+")
# A subtype's discriminator, as the docs word it: 'Scope type, must be chat', 'always "user"'.
CONSTANT_RE = re.compile(r'(?:must be|always) "?([a-z][a-z_]*)"?$')


class SpecNotFoundError(FileNotFoundError):
    """The shared api.json is not where the tests expect it."""


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
            if f["required"] and absent(params.get(fname)):
                problems.append(f"missing required parameter '{fname}'")
        for key, value in params.items():
            f = fields.get(key)
            if f is None:
                problems.append(f"unknown parameter '{key}'")
            elif not absent(value):
                problems += self._check_value(value, f["types"], key, 0, top=True)
        if not problems:
            # The rules below read values whose types are now known to be right.
            problems += method_rules(name, set(fields), params)
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
        if len(objects) > 1 and isinstance(decode_nested(value, top), dict):
            # Check only the object types whose shape fits best, so a mistake in an
            # inline keyboard is not reported as 'not a ReplyKeyboardMarkup'.
            decoded = decode_nested(value, top)
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
            items = decode_nested(value, top)
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
        obj = decode_nested(value, top)
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
            if f["required"] and absent(obj.get(name)):
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
            problems += object_rules(t, obj, where)
        return problems


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
