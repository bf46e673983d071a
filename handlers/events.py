"""The engine contract: platform-neutral events in, replies out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class User:
    """Who an event comes from: the channel, the user's id there and the name shown there."""

    channel: str
    id: str
    name: str = ""

    @property
    def key(self) -> str:
        """A stable identifier of this account across the whole system."""
        return f"{self.channel}:{self.id}"


@dataclass(frozen=True, slots=True)
class Command:
    """A command such as /start, with its arguments (the deep-link payload for /start)."""

    user: User
    name: str
    args: str = ""


@dataclass(frozen=True, slots=True)
class Text:
    """Free text typed by the user."""

    user: User
    text: str


@dataclass(frozen=True, slots=True)
class Choice:
    """A tap on a button; `ref` names the message that carried the button, when known."""

    user: User
    token: str
    ref: str | None = None


@dataclass(frozen=True, slots=True)
class Contact:
    """A phone number shared through the platform's contact button.

    `own` is False when the platform says the contact belongs to someone else.
    """

    user: User
    phone: str
    own: bool = True


@dataclass(frozen=True, slots=True)
class Unsupported:
    """Anything the contest cannot use: a sticker, a photo, an empty or protected message."""

    user: User
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Upload:
    """A file sent to the bot (organisers upload question banks this way).

    `size` is the size the platform announced; `data` stays empty when the file was too big
    to fetch.
    """

    user: User
    filename: str
    data: bytes = field(repr=False)
    size: int = 0


Event = Command | Text | Choice | Contact | Upload | Unsupported


@dataclass(frozen=True, slots=True)
class Button:
    """One button: what it says and the opaque token sent back when it is tapped."""

    label: str
    token: str


@dataclass(frozen=True, slots=True)
class Message:
    """A message to show the user.

    `replace` names an earlier message to edit instead of sending a new one; `ask_contact`
    asks the channel to offer its share-my-phone button (where it has one). `image` is the key
    of a stored picture shown with the text (a question's). An edit with a picture puts it in
    place of what the edited message showed (text or another photo: the next question in
    place of the one answered), unless `keeps_picture`: the edited message shows this picture
    already and only its text changes (the answered question restated with the choice).
    `shows` says which step of an attempt it shows, for the channel to report when the
    platform accepted it.
    """

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    replace: str | None = None
    ask_contact: bool = False
    image: str = ""
    keeps_picture: bool = False
    # Restates an answer just recorded (the tapped question with a picture, shown with the
    # choice): where messages cannot be edited (Zalo) it is left out, as it repeats the
    # participant's own answer.
    echo: bool = False
    shows: Shows | None = None

    @property
    def new_picture(self) -> bool:
        """Whether the message brings a picture: a new message with one, or an edit that puts
        one in place of what the edited message showed."""
        return bool(self.image) and (self.replace is None or not self.keeps_picture)


@dataclass(frozen=True, slots=True)
class Shows:
    """A step of an attempt a message shows: question `index`, or the prediction question
    (index = the number of questions). The participant's time on it counts from when the
    platform accepted the message (Engine.delivered), not from when the bot made it."""

    participant_id: int
    code: str
    index: int


@dataclass(frozen=True, slots=True)
class Notice:
    """A short acknowledgement of a tap (a toast on Telegram, a line elsewhere)."""

    text: str


@dataclass(frozen=True, slots=True)
class Document:
    """A file to send, such as a results workbook."""

    filename: str
    data: bytes = field(repr=False)
    caption: str = ""
    # Where the server keeps the same file, if it does: a file too large for the platform
    # is not sent, and the recipient is told this instead.
    kept_at: str = ""


Reply = Message | Notice | Document
