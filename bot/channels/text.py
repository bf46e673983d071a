"""What channels where people type their choices share (Zalo, the console), and text helpers.

Such a channel lists a message's buttons as options and keeps those last listed to each user
(`Shown`: label and token of each, in order), so that what is typed maps back to the event a
tap would send: a question's letter or number to the answer (`event_of_text`), a number or an
option's words to that option, a command with or without "/" or diacritics to the command.
Which options stay mapped after a reply is `mapped_after`'s rule.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.engine import COMMANDS
from handlers import practice, quiz
from handlers.answer_tokens import parse_answer_token, parse_practice_token
from handlers.context import Services
from handlers.events import Choice, Command, Event, Message, Reply, Text, User
from handlers.texts import Texts, plain
from handlers.typed import answer_index, fold, option_number

Shown = list[tuple[str, str]]  # (label, token) of each option last listed, in order

# Typed without "/" or diacritics these still name a command: "the le" -> "thele".
_EXTRA_COMMANDS = {"dangki": "dangky"}


class Hint:
    """Typed text that is no answer while a question waits for one: remind, change nothing."""

    def __init__(self, letters: list[str]) -> None:
        self.letters = letters


# ---------------------------------------------------------------- typed text in


def _label_key(label: str) -> str:
    """A button label reduced to letters, digits and spaces: "✅ Đồng ý" -> "dong y"."""
    kept = "".join(c if c.isalnum() or c.isspace() else " " for c in fold(label))
    return " ".join(kept.split())


def is_answer_set(shown: Shown) -> bool:
    """Whether the options listed are a question's answer buttons (of an attempt or practice)."""
    return bool(shown) and all(
        parse_answer_token(token) is not None or parse_practice_token(token) is not None
        for _, token in shown
    )


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


def event_of_text(user: User, text: str, shown: Shown, ref: str | None = None) -> Event | Hint:
    """The event typed text stands for, given the options last listed to this user.

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
        number = option_number(text)
        if number is not None and 1 <= number <= len(shown):
            return Choice(user, shown[number - 1][1], ref)
        key = _label_key(text)
        for label, token in shown:
            if key and _label_key(label) == key:
                return Choice(user, token, ref)
    return Text(user, text)


# ---------------------------------------------------------------- which options stay mapped


def listed_by(replies: list[Reply]) -> Shown | None:
    """The options the replies leave listed: those of the last message that lists anew (none
    if it has none); None when no such message is among them.

    An edit lists anew when it brings buttons or shows a step of an attempt (the question
    answered becomes the next one, or the prediction question); a bare edit (an organiser's
    step marked done) leaves what was listed as it was."""
    listed: Shown | None = None
    for reply in replies:
        if isinstance(reply, Message) and (
            reply.replace is None or reply.buttons or reply.shows is not None
        ):
            listed = [(b.label, b.token) for row in reply.buttons for b in row]
    return listed


@dataclass(frozen=True)
class Listing:
    """What typed numbers and letters map to once replies are shown.

    `shown` is what to keep; `waiting` is set when a question waits for its answer while a
    reply lists other options: those are shown unnumbered, and typing keeps answering it.
    """

    shown: Shown
    waiting: bool = False


async def mapped_after(
    svc: Services, event: Event | None, before: Shown, listed: Shown | None
) -> Listing:
    """The options to map after the replies to `event` (None: owed outside an update).

    - Replies listing options map to them; but while a question is waiting for its answer,
      a reply listing other options (the menu of "bắt đầu" typed mid-question) leaves the
      question's letters and numbers mapped: they always answer the question showing.
    - Replies listing none leave the options listed before, unless they answer a choice (which
      moved the conversation on): after an error, a hint, a sticker, a command or an
      announcement, the options are still on the screen and the number of one still picks it
      (if the step has passed, the engine says the choice no longer holds).
    """
    if listed:
        other = is_answer_set(before) and not is_answer_set(listed)
        if (
            other
            and not isinstance(event, Choice)
            and (
                await quiz.awaiting_answer(svc, before[0][1])
                or await practice.awaiting(svc, before[0][1])
            )
        ):
            return Listing(before, waiting=True)
        return Listing(listed)
    if isinstance(event, Choice) and listed is not None:
        return Listing([])
    return Listing(before)


# ---------------------------------------------------------------- text out


def either(letters: list[str]) -> tuple[str, str]:
    """("A, B, C", "D"): the letters as a catalogue line names them ("... A, B, C hoặc D")."""
    return ", ".join(letters[:-1]) or letters[0], letters[-1]


def hint_text(texts: Texts, hint: Hint) -> str:
    """The reminder shown for text that is no answer while a question is showing."""
    first, last = either(hint.letters)
    return plain(texts("typed.answer_hint", first=first, last=last))


def waiting_text(texts: Texts, question: Shown) -> str:
    """The line saying that typed letters and numbers still answer the question showing."""
    first, last = either([label for label, _ in question])
    return plain(texts("typed.question_waiting", first=first, last=last))


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of 1-`limit` characters, cut at line ends (at a space, or anywhere, if a single
    line is longer); blank pieces are dropped, since platforms refuse empty texts.

    Cutting at line ends keeps the catalogue's markup balanced: no tag spans a line.
    """
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            cut = line.rfind(" ", 0, limit + 1)
            cut = cut if cut > 0 else limit
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    pieces.append(current)
    return [p.strip("\n") for p in pieces if p.strip()]
