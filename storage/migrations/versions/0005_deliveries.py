"""deliveries: recipients that are not accounts, retries, civil hours, expiry, documents;
audiences long enough to name a locality

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("civil_hours", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("expires_at", storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("document", sa.String(length=64), nullable=True))
        batch_op.alter_column(
            "audience", existing_type=sa.String(length=40), type_=sa.String(length=120)
        )

    with op.batch_alter_table("broadcast_recipients", schema=None) as batch_op:
        batch_op.alter_column("account_id", existing_type=sa.Integer(), nullable=True)
        batch_op.add_column(
            sa.Column("tries", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
        batch_op.add_column(sa.Column("next_at", storage.models.UTCDateTime(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM broadcast_recipients WHERE account_id IS NULL")
    with op.batch_alter_table("broadcast_recipients", schema=None) as batch_op:
        batch_op.drop_column("next_at")
        batch_op.drop_column("tries")
        batch_op.alter_column("account_id", existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table("broadcasts", schema=None) as batch_op:
        batch_op.alter_column(
            "audience", existing_type=sa.String(length=120), type_=sa.String(length=40)
        )
        batch_op.drop_column("document")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("civil_hours")
