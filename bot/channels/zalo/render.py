"""Zalo has text only: engine replies become plain text (typed text becomes events in
bot.channels.text, shared with the console).

No I/O here. Outgoing, a Message becomes its plain text followed by:
- answer buttons A-D: nothing more to list (the question text already has the "A. ..." lines),
  just one line saying how to answer ("Trả lời bằng cách gõ A, B, C hoặc D.");
- other buttons: a numbered list and "Gõ số để chọn."; but while a question waits for its
  answer (`waiting`, see bot.channels.text.mapped_after) typed numbers answer the question, so
  instead of the list comes one line saying so.
A Notice (a toast on Telegram) becomes the first line of the next message of the same reply,
or a short message of its own when nothing follows. Texts over 2000 characters are split at
line boundaries. Zalo has no contact button: the catalogue's Zalo wording asks to type the
phone (see handlers.texts).

`Message.replace` (edit an earlier message) has no Zalo equivalent: a replacement is sent as
a new message. After an answer (`answered`) the engine turns the question just answered into
the next one, whose first line confirms the answer ("✓ Câu 2: đã ghi nhận B"): that line says
what the "Đã ghi nhận" notice would, so the notice is left out and the answer costs one message.
An echo (`Message.echo`: a question with a picture restated with the answer chosen, where
Telegram edits its caption) would only repeat the participant's own "B", and is left out; a
practice answer's verdict is no echo (it says whether the answer was right and why).
"""

from __future__ import annotations

from bot.channels.text import Shown, either, is_answer_set, waiting_text
from bot.channels.text import split_text as split_lines
from handlers.events import Button, Document, Message, Notice, Reply
from handlers.texts import Texts, plain

MAX_TEXT = 2000


def _flat(m: Message) -> list[Button]:
    return [b for row in m.buttons for b in row]


def message_text(texts: Texts, m: Message, waiting: Shown | None = None) -> str:
    """A message as Zalo shows it: plain text, then its buttons listed to type."""
    parts = [plain(m.text).strip()]
    buttons = _flat(m)
    shown = [(b.label, b.token) for b in buttons]
    if is_answer_set(shown):
        first, last = either([b.label for b in buttons])
        parts.append(plain(texts("typed.answer_how", first=first, last=last)))
    elif buttons and waiting:
        parts.append(waiting_text(texts, waiting))
    elif buttons:
        listed = [f"{i}. {plain(b.label)}" for i, b in enumerate(buttons, start=1)]
        parts.append("\n".join([*listed, plain(texts("typed.pick_number"))]))
    return "\n\n".join(p for p in parts if p)


def render(
    texts: Texts,
    replies: list[Reply],
    *,
    answered: bool = False,
    waiting: Shown | None = None,
) -> list[str]:
    """The texts to send for the engine's replies (documents are left out: Zalo bots can only
    send images by URL). `waiting`: the answer options of a question still waiting."""
    out: list[str] = []
    notes: list[str] = []
    for reply in replies:
        if isinstance(reply, Notice):
            notes.append(plain(reply.text).strip())
        elif isinstance(reply, Message) and reply.echo:
            continue
        elif isinstance(reply, Message):
            if reply.replace is not None and answered:
                notes = []  # the next question's first line confirms the answer
            body = message_text(texts, reply, waiting)
            if notes:
                body = "\n".join(notes) + ("\n\n" + body if body else "")
                notes = []
            out += split_text(body)
        elif isinstance(reply, Document):
            continue
    if notes:
        out += split_text("\n".join(notes))
    return out


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """Pieces that fit one Zalo message (see bot.channels.text.split_text)."""
    return split_lines(text, limit)
