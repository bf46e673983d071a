"""learning: an explanation per question, shown in practice and in the answer review once a
round is decided; pictures in questions

Revision ID: 0011
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("explanation", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(
            sa.Column("image", sa.String(length=80), nullable=False, server_default="")
        )
    op.create_table(
        "question_images",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=20), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("question_images")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("image")
        batch_op.drop_column("explanation")
