"""collective awards: the collective prizes (by participation of a unit or a locality) given
when a round closes

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-12
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "collective_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_code", sa.String(length=20), nullable=False),
        sa.Column("prize", sa.String(length=100), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("headcount", sa.Integer(), nullable=True),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["round_code"], ["rounds.code"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("round_code", "prize", "rank"),
    )


def downgrade() -> None:
    op.drop_table("collective_awards")
