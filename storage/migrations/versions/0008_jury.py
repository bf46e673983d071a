"""jury: a round's results are provisional until approved; review flags found at closing, and
the entries the jury set aside

Revision ID: 0008
Revises: 0009 (written beside 0009, which reached main first: the chain is 0007, 0009, 0008)
Create Date: 2027-01-20
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approved_at", storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("approved_by", sa.String(length=100), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("flagged_at", storage.models.UTCDateTime(), nullable=True))
    # Rounds closed before the jury signed off were announced at closing: they stand approved.
    op.execute(
        "UPDATE rounds SET approved_at = closed_at, approved_by = 'auto' WHERE status = 'closed'"
    )
    op.create_table(
        "review_flags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_code", sa.String(length=20), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"]),
        sa.ForeignKeyConstraint(["round_code"], ["rounds.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_code", "participant_id", "kind"),
    )
    op.create_table(
        "set_asides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_code", sa.String(length=20), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participants.id"]),
        sa.ForeignKeyConstraint(["round_code"], ["rounds.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_code", "participant_id"),
    )


def downgrade() -> None:
    op.drop_table("set_asides")
    op.drop_table("review_flags")
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("flagged_at")
        batch_op.drop_column("approved_by")
        batch_op.drop_column("approved_at")
