"""Telegram's formatted text: what a message sent with parse_mode=HTML shows, and its
entities, or the error Telegram would answer with."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

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
