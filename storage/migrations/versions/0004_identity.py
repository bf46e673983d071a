"""identity: verified and typed phones, phone history, exclusion, holds, winners' snapshot

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02

The phone is no longer unique: only a verified phone (a Telegram contact shared from the
user's own account) is, through a partial unique index. Existing phones count as typed: the
old schema did not keep whether a phone came from the contact button, and counting a typed
phone as verified would let it keep out the phone's real owner. Each existing entry gets one
row of phone history (its phone, typed, since it registered). Existing winners get their
snapshot from the entry as it is now, the best that is known of it at closing.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite keeps the old UNIQUE (phone) without a name; batch mode names it by this convention.
_UNNAMED = {"uq": "uq_%(table_name)s_%(column_0_name)s"}
_SNAPSHOT = ("full_name", "phone", "birth_year", "locality", "unit")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if not sqlite:
        op.drop_constraint("participants_phone_key", "participants", type_="unique")
    with op.batch_alter_table("participants", naming_convention=_UNNAMED) as batch_op:
        if sqlite:
            batch_op.drop_constraint("uq_participants_phone", type_="unique")
        batch_op.add_column(
            sa.Column("phone_verified", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("excluded_at", storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("held_at", storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("held_reason", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("identity_edited_at", storage.models.UTCDateTime(), nullable=True)
        )
        batch_op.create_index("ix_participants_phone", ["phone"], unique=False)
        batch_op.create_index(
            "ux_participants_verified_phone",
            ["phone"],
            unique=True,
            sqlite_where=sa.text("phone_verified"),
            postgresql_where=sa.text("phone_verified"),
        )

    op.create_table(
        "participant_phones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("since", storage.models.UTCDateTime(), nullable=False),
        sa.Column("until", storage.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("participant_phones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_participant_phones_participant_id"), ["participant_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_participant_phones_phone"), ["phone"], unique=False)
    op.execute(
        "INSERT INTO participant_phones (participant_id, phone, verified, since)"
        " SELECT id, phone, phone_verified, created_at FROM participants"
    )

    with op.batch_alter_table("winners", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("full_name", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("phone", sa.String(length=16), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("birth_year", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("locality", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("unit", sa.String(length=200), nullable=False, server_default="")
        )
    columns = ", ".join(_SNAPSHOT)
    op.execute(
        f"UPDATE winners SET ({columns}) = (SELECT {columns} FROM participants p"
        " WHERE p.id = winners.participant_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("winners", schema=None) as batch_op:
        for column in reversed(_SNAPSHOT):
            batch_op.drop_column(column)

    with op.batch_alter_table("participant_phones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_participant_phones_phone"))
        batch_op.drop_index(batch_op.f("ix_participant_phones_participant_id"))
    op.drop_table("participant_phones")

    with op.batch_alter_table("participants", naming_convention=_UNNAMED) as batch_op:
        batch_op.drop_index("ux_participants_verified_phone")
        batch_op.drop_index("ix_participants_phone")
        batch_op.drop_column("identity_edited_at")
        batch_op.drop_column("held_reason")
        batch_op.drop_column("held_at")
        batch_op.drop_column("excluded_at")
        batch_op.drop_column("phone_verified")
        batch_op.create_unique_constraint("participants_phone_key", ["phone"])
