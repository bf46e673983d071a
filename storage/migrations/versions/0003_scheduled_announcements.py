"""scheduled announcements

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcast_recipients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("text", sa.Text(), nullable=True))

    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("audience", sa.String(length=40), nullable=False, server_default="all")
        )
        batch_op.create_index("ix_broadcasts_key", ["key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.drop_index("ix_broadcasts_key")
        batch_op.drop_column("audience")
        batch_op.drop_column("key")

    with op.batch_alter_table("broadcast_recipients", schema=None) as batch_op:
        batch_op.drop_column("text")
