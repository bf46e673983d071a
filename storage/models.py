"""SQL tables: what must last beyond a conversation."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Index,
    LargeBinary,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


class UTCDateTime(TypeDecorator[datetime]):
    """Stores instants as naive UTC on every database and hands back aware UTC datetimes.

    SQLite has no time zone type; storing naive UTC everywhere keeps both databases alike.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def _utc(nullable: bool = False, **kw: Any) -> Any:
    return Field(sa_column=Column(UTCDateTime(), nullable=nullable, **kw))


class Participant(SQLModel, table=True):
    """A registered person (an entry): one line in the ranking, reached through its accounts.

    A phone is *verified* when it came from a Telegram contact the user shared from their own
    account; only one entry may hold a verified phone. Typed phones may coincide.
    """

    __tablename__ = "participants"
    __table_args__ = (
        Index("ix_participants_phone", "phone"),
        Index(
            "ux_participants_verified_phone",
            "phone",
            unique=True,
            sqlite_where=text("phone_verified"),
            postgresql_where=text("phone_verified"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    phone: str = Field(max_length=16)
    phone_verified: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    full_name: str = Field(max_length=100)
    birth_year: int
    locality: str = Field(max_length=100)
    unit: str = Field(max_length=200)
    source: str = Field(default="", max_length=64)
    consent_at: datetime = _utc()
    created_at: datetime = _utc()
    updated_at: datetime = _utc()
    # Set for good once the entry held a phone of the organisers, jury or secretariat.
    excluded_at: datetime | None = _utc(nullable=True)
    # A held entry keeps its attempts but wins nothing until an organiser releases it.
    held_at: datetime | None = _utc(nullable=True)
    held_reason: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    # An organiser changed the name, phone or year of birth after the entry's first attempt.
    identity_edited_at: datetime | None = _utc(nullable=True)
    # The version of the consent text (contest.yaml `consent`) agreed to at `consent_at`;
    # empty for entries registered before texts had versions.
    consent_version: str = Field(default="", max_length=20, sa_column_kwargs={"server_default": ""})
    # Anonymised (name, phone, year of birth gone, accounts deleted): at its own request
    # (`consent_withdrawn_at` set too), or when the contest's retention time ran out.
    erased_at: datetime | None = _utc(nullable=True)
    consent_withdrawn_at: datetime | None = _utc(nullable=True)


class ParticipantPhone(SQLModel, table=True):
    """Every phone an entry ever held, and from when until when (None: holds it now)."""

    __tablename__ = "participant_phones"

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participants.id", index=True)
    phone: str = Field(max_length=16, index=True)
    verified: bool = False
    since: datetime = _utc()
    until: datetime | None = _utc(nullable=True)


class Account(SQLModel, table=True):
    """A participant's identity on one channel (a Telegram or Zalo user id)."""

    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("channel", "channel_user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    participant_id: int = Field(foreign_key="participants.id", index=True)
    channel: str = Field(max_length=16)
    channel_user_id: str = Field(max_length=64)
    display_name: str = Field(default="", max_length=128)
    created_at: datetime = _utc()
    blocked_at: datetime | None = _utc(nullable=True)


class Round(SQLModel, table=True):
    """One round (a quarter) and where it stands."""

    __tablename__ = "rounds"

    code: str = Field(primary_key=True, max_length=20)
    name: str = Field(max_length=100)
    opens_at: datetime = _utc()
    closes_at: datetime = _utc()
    status: str = Field(default="scheduled", max_length=12)
    opened_at: datetime | None = _utc(nullable=True)
    closed_at: datetime | None = _utc(nullable=True)
    actual_figure: int | None = None
    # Its winners were approved by the jury (or at closing, with `results.approval: auto`):
    # from then on they are frozen and announced.
    approved_at: datetime | None = _utc(nullable=True)
    approved_by: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": ""})
    # When the review flags of its entries were found and stored (at closing).
    flagged_at: datetime | None = _utc(nullable=True)


class QuestionRow(SQLModel, table=True):
    """A question of a bank; rows are never edited, a new bank replaces the active one."""

    __tablename__ = "questions"

    id: int | None = Field(default=None, primary_key=True)
    bank: str = Field(max_length=100, index=True)
    position: int
    text: str = Field(sa_column=Column(Text, nullable=False))
    options: list[str] = Field(sa_column=Column(JSON, nullable=False))
    correct: int
    source: str = Field(default="", max_length=300)
    topic: str = Field(default="", max_length=200)
    # Why the correct option is right: shown in practice and once the round is decided.
    explanation: str = Field(default="", sa_column=Column(Text, nullable=False, server_default=""))
    # The key of its picture in question_images ("" when it has none).
    image: str = Field(default="", max_length=80, sa_column_kwargs={"server_default": ""})
    active: bool = Field(default=True, index=True)
    imported_at: datetime = _utc()


class QuestionImage(SQLModel, table=True):
    """A question's picture, by a key made of its content's digest (stored once however many
    banks use it); served to Zalo by URL, uploaded to Telegram."""

    __tablename__ = "question_images"

    key: str = Field(primary_key=True, max_length=80)
    content_type: str = Field(max_length=20)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = _utc()


class Attempt(SQLModel, table=True):
    """A submitted attempt; its answers are in attempt_answers."""

    __tablename__ = "attempts"
    __table_args__ = (Index("ix_attempts_round_participant", "round_code", "participant_id"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    participant_id: int = Field(foreign_key="participants.id")
    round_code: str = Field(foreign_key="rounds.code", max_length=20)
    channel: str = Field(max_length=16)
    started_at: datetime = _utc()
    submitted_at: datetime = _utc()
    local_day: str = Field(max_length=10)
    duration_ms: int
    correct: int
    total: int
    prediction: int | None = None
    auto_submitted: bool = False


class AttemptAnswer(SQLModel, table=True):
    """One question of an attempt: what was chosen (an index into the bank's options) and when."""

    __tablename__ = "attempt_answers"

    attempt_id: int = Field(foreign_key="attempts.id", primary_key=True)
    position: int = Field(primary_key=True)
    question_id: int = Field(foreign_key="questions.id", index=True)
    choice: int | None = None
    answered_at: datetime | None = _utc(nullable=True)


class Winner(SQLModel, table=True):
    """A prize awarded when a round closed."""

    __tablename__ = "winners"
    __table_args__ = (UniqueConstraint("round_code", "participant_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_code: str = Field(foreign_key="rounds.code", max_length=20)
    participant_id: int = Field(foreign_key="participants.id")
    tier: str = Field(max_length=16)
    rank: int
    attempt_id: int = Field(foreign_key="attempts.id")
    created_at: datetime = _utc()
    # The winner as they were when the round closed: results and certificates show this,
    # whatever is edited afterwards.
    full_name: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": ""})
    phone: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})
    birth_year: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    locality: str = Field(default="", max_length=100, sa_column_kwargs={"server_default": ""})
    unit: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})


class ReviewFlag(SQLModel, table=True):
    """Something the jury should look at in a ranked entry, found when its round closed."""

    __tablename__ = "review_flags"
    __table_args__ = (UniqueConstraint("round_code", "participant_id", "kind"),)

    id: int | None = Field(default=None, primary_key=True)
    round_code: str = Field(foreign_key="rounds.code", max_length=20)
    participant_id: int = Field(foreign_key="participants.id")
    # handlers.jury.flags.Kind
    kind: str = Field(max_length=24)
    # The figures the flag's one-line reason shows.
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = _utc()


class SetAside(SQLModel, table=True):
    """An entry the jury set aside in a round: kept in the data, out of the prize allocation.
    Restoring it deletes the row (the audit log keeps both actions)."""

    __tablename__ = "set_asides"
    __table_args__ = (UniqueConstraint("round_code", "participant_id"),)

    id: int | None = Field(default=None, primary_key=True)
    round_code: str = Field(foreign_key="rounds.code", max_length=20)
    participant_id: int = Field(foreign_key="participants.id")
    reason: str = Field(max_length=300)
    actor: str = Field(max_length=100)
    at: datetime = _utc()


class AuditEntry(SQLModel, table=True):
    """An organiser's action: who did what, when."""

    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _utc()
    actor: str = Field(max_length=100)
    action: str = Field(max_length=50)
    detail: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class Broadcast(SQLModel, table=True):
    """A message to many: everyone registered, a round's participants, chosen participants,
    the announcement chat or the organisers; sent by the broadcaster."""

    __tablename__ = "broadcasts"
    __table_args__ = (Index("ix_broadcasts_key", "key", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    actor: str = Field(max_length=100)
    # Set for the scheduler's announcements ("open:2023-Q1"), so running a job twice finds the
    # broadcast it already made instead of making a second one.
    key: str | None = Field(default=None, max_length=64)
    # "all", "round:<code>", "absent:<code>", "locality:<name>" (a name has up to 100 characters)
    audience: str = Field(default="all", max_length=120)
    status: str = Field(default="sending", max_length=12)
    created_at: datetime = _utc()
    finished_at: datetime | None = _utc(nullable=True)
    # Messages to people wait for the contest's civil hours (contest.yaml `announcements`).
    civil_hours: bool = False
    # Past this instant the recipients still pending are dropped: an opening or a reminder is
    # of no use once its round has closed.
    expires_at: datetime | None = _utc(nullable=True)
    # A document made again when it is sent ("results:2023-Q1"), sent instead of the text.
    document: str | None = Field(default=None, max_length=64)
    # A paid broadcast (Telegram's allow_paid_broadcast): the most it may spend, in tenths of
    # a Star (one per message), and how many of its messages went out paid so far.
    paid_budget: int | None = None
    paid_sent: int = 0


class BroadcastRecipient(SQLModel, table=True):
    """One account (or chat) a broadcast goes to, and what happened when it was sent."""

    __tablename__ = "broadcast_recipients"
    __table_args__ = (
        UniqueConstraint("broadcast_id", "account_id"),
        Index("ix_broadcast_recipients_pending", "broadcast_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    broadcast_id: int = Field(foreign_key="broadcasts.id")
    # None for a recipient that is not a participant's account: the announcement chat, an
    # organiser.
    account_id: int | None = Field(default=None, foreign_key="accounts.id")
    channel: str = Field(max_length=16)
    channel_user_id: str = Field(max_length=64)
    status: str = Field(default="pending", max_length=12)
    updated_at: datetime | None = _utc(nullable=True)
    error: str = Field(default="", max_length=200)
    # A message of this recipient's own (a winner's congratulations); None: the broadcast's.
    text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    # Failed sends so far, and when the next one may be tried (None: at once).
    tries: int = 0
    next_at: datetime | None = _utc(nullable=True)


class CollectiveAward(SQLModel, table=True):
    """A collective prize (contest.yaml `collective_prizes`) awarded when a round closed, with
    the figures that decided it as they were then."""

    __tablename__ = "collective_awards"
    __table_args__ = (UniqueConstraint("round_code", "prize", "rank"),)

    id: int | None = Field(default=None, primary_key=True)
    round_code: str = Field(foreign_key="rounds.code", max_length=20)
    prize: str = Field(max_length=100)
    rank: int
    # The unit's or locality's label in the list.
    name: str = Field(max_length=200)
    participants: int
    attempts: int
    headcount: int | None = None
    created_at: datetime = _utc()


class CertificateCode(SQLModel, table=True):
    """The verification code of one winner's certificate, with what the certificate says.

    A code stays the same however often the certificates are made again; one live (not
    revoked) code per winner and round. Codes are stored as their 8 characters, no dash.
    """

    __tablename__ = "certificate_codes"
    __table_args__ = (
        Index(
            "ux_certificate_codes_live",
            "round_code",
            "participant_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=16, unique=True)
    round_code: str = Field(foreign_key="rounds.code", max_length=20)
    participant_id: int = Field(foreign_key="participants.id")
    tier: str = Field(max_length=16)
    # The certificate's texts as printed: the prize's name, the holder as stored at closing.
    prize: str = Field(max_length=100)
    full_name: str = Field(max_length=100)
    locality: str = Field(max_length=100)
    unit: str = Field(max_length=200)
    # The day printed on the certificate (local to the contest).
    issued_on: date
    created_at: datetime = _utc()
    revoked_at: datetime | None = _utc(nullable=True)
    revoked_by: str = Field(default="", max_length=100)
    revoked_reason: str = Field(default="", max_length=500)
