"""Zalo has text only: engine replies become plain text, and typed replies become events.

No I/O here. The channel keeps the buttons last listed to each user (label and token, in the
session store) and hands them to `event_of_text`, so that typing "B" or "2" sends the same
Choice a tap on Telegram would.

Outgoing, a Message becomes its plain text followed by:
- answer buttons A-D: nothing more to list (the question text already has the "A. ..." lines),
  just one line saying how to answer ("Trả lời bằng cách gõ A, B, C hoặc D.");
- other buttons: a numbered list and "Gõ số để chọn.";
- `ask_contact`: a line asking to type the phone (Zalo has no share-contact button).
A Notice (a toast on Telegram) becomes the first line of the next message of the same reply,
or a short message of its own when nothing follows. Texts over 2000 characters are split at
line boundaries.

`Message.replace` (edit an earlier message) has no Zalo equivalent. The only edit the engine
makes is the answer echo, which restates the question just answered with the chosen option;
after a typed answer it would repeat what the participant's own "B" right above already says,
so `skip_replacements` drops it (the "Đã ghi nhận" notice confirms the answer). Any other
replacement is sent as a new message.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.channels.text import split_text as split_lines
from bot.engine import COMMANDS
from handlers.events import (
    Button,
    Choice,
    Command,
    Document,
    Event,
    Message,
    Notice,
    Reply,
    Text,
    User,
)
from handlers.answer_tokens import parse_answer_token
from handlers.texts import Texts, plain

MAX_TEXT = 2000

Shown = list[tuple[str, str]]  # (label, token) of each button last listed, in order

# Typed without "/" or diacritics these still name a command: "the le" -> "thele".
_EXTRA_COMMANDS = {"dangki": "dangky"}

# "B", "b.", "(b)", "2", "đáp án b", "Đáp án: C", "chọn c", "đáp án là d" (after folding).
_ANSWER = re.compile(
    r"(?:(?:dap an|chon|tra loi)(?: la)?\s*[:.\-]?\s*)?"
    r"\(?(?P<answer>[a-z]|[0-9])\)?\s*[.)!]?"
)
# "2", "2.", "số 2"
_NUMBER = re.compile(r"(?:so\s*)?(?P<n>[0-9]{1,2})\s*[.)]?")


class Hint:
    """Typed text that is no answer while a question waits for one: remind, change nothing."""

    def __init__(self, letters: list[str]) -> None:
        self.letters = letters


@dataclass
class Rendered:
    """What to send for a list of replies, and the buttons now listed (None: unchanged)."""

    texts: list[str] = field(default_factory=list)
    buttons: Shown | None = None


# ---------------------------------------------------------------- incoming


def fold(text: str) -> str:
    """Lower case, no diacritics (đ -> d), single spaces: how people type on a phone."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.lower().split())


def _label_key(label: str) -> str:
    """A button label reduced to letters, digits and spaces: "✅ Đồng ý" -> "dong y"."""
    kept = "".join(c if c.isalnum() or c.isspace() else " " for c in fold(label))
    return " ".join(kept.split())


def is_answer_set(shown: Shown) -> bool:
    """Whether the buttons listed are a question's answer buttons."""
    return bool(shown) and all(parse_answer_token(token) is not None for _, token in shown)


def command_of(text: str) -> tuple[str, str] | None:
    """(command name, arguments) when the text is a command, with or without "/" or diacritics.

    Without "/" only the whole text counts ("thể lệ", "diem"), so free text such as a name or
    a unit is never mistaken for one.
    """
    stripped = text.strip()
    slash = stripped.startswith("/")
    body = stripped[1:] if slash else stripped
    whole = fold(body).rstrip(".!?").replace(" ", "")
    whole = _EXTRA_COMMANDS.get(whole, whole)
    if whole in COMMANDS:
        return whole, ""
    if not slash:
        return None
    name, _, args = body.partition(" ")
    key = fold(name).split("@", 1)[0]
    return _EXTRA_COMMANDS.get(key, key), args.strip()


def answer_index(text: str) -> int | None:
    """The option a typed answer picks (0 for "A", "a", "1", "đáp án a"...), or None."""
    match = _ANSWER.fullmatch(fold(text))
    if match is None:
        return None
    answer = match["answer"]
    if answer.isdigit():
        return int(answer) - 1 if answer != "0" else None
    return ord(answer) - ord("a")


def event_of_text(user: User, text: str, shown: Shown, ref: str | None = None) -> Event | Hint:
    """The event typed text stands for, given the buttons last listed to this user.

    `ref` names the message the text came in; a Choice carries it like a tap carries the
    message of its button, so what the engine sends to replace that message is recognisable.
    """
    command = command_of(text)
    if command is not None:
        return Command(user, *command)
    if is_answer_set(shown):
        index = answer_index(text)
        if index is not None and index < len(shown):
            return Choice(user, shown[index][1], ref)
        return Hint([label for label, _ in shown])
    if shown:
        number = _NUMBER.fullmatch(fold(text))
        if number is not None and 1 <= int(number["n"]) <= len(shown):
            return Choice(user, shown[int(number["n"]) - 1][1], ref)
        key = _label_key(text)
        for label, token in shown:
            if key and _label_key(label) == key:
                return Choice(user, token, ref)
    return Text(user, text)


# ---------------------------------------------------------------- outgoing


def _either(letters: list[str]) -> tuple[str, str]:
    """("A, B, C", "D"): the letters as a catalogue line names them ("... A, B, C hoặc D")."""
    return ", ".join(letters[:-1]) or letters[0], letters[-1]


def hint_text(texts: Texts, hint: Hint) -> str:
    """The reminder shown for text that is no answer while a question is showing."""
    first, last = _either(hint.letters)
    return plain(texts("zalo.answer_hint", first=first, last=last))


def _flat(m: Message) -> list[Button]:
    return [b for row in m.buttons for b in row]


def message_text(texts: Texts, m: Message) -> str:
    """A message as Zalo shows it: plain text, its buttons listed, the phone typed."""
    parts = [plain(m.text).strip()]
    buttons = _flat(m)
    shown = [(b.label, b.token) for b in buttons]
    if is_answer_set(shown):
        first, last = _either([b.label for b in buttons])
        parts.append(plain(texts("zalo.answer_how", first=first, last=last)))
    elif buttons:
        listed = [f"{i}. {plain(b.label)}" for i, b in enumerate(buttons, start=1)]
        parts.append("\n".join([*listed, plain(texts("zalo.pick_number"))]))
    if m.ask_contact:
        parts.append(plain(texts("zalo.type_phone")))
    return "\n\n".join(p for p in parts if p)


def render(texts: Texts, replies: list[Reply], *, skip_replacements: bool = False) -> Rendered:
    """The texts to send for the engine's replies, and the buttons they leave listed.

    The buttons listed are those of the last message that is not a replacement (none if it
    has none); documents are left out (Zalo bots can only send images by URL).
    """
    out = Rendered()
    notes: list[str] = []
    for reply in replies:
        if isinstance(reply, Notice):
            notes.append(plain(reply.text).strip())
        elif isinstance(reply, Message):
            if reply.replace is not None and skip_replacements:
                continue
            body = message_text(texts, reply)
            if notes:
                body = "\n".join(notes) + ("\n\n" + body if body else "")
                notes = []
            out.texts += split_text(body)
            if reply.replace is None:
                out.buttons = [(b.label, b.token) for b in _flat(reply)]
        elif isinstance(reply, Document):
            continue
    if notes:
        out.texts += split_text("\n".join(notes))
    return out


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces that fit one Zalo message (see bot.channels.text.split_text)."""
    return split_lines(text, limit)
