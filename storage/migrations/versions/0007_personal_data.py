"""personal data: the consent version each entry agreed to, and when an entry was anonymised
(at its own request or when the contest's retention time ran out)

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import storage.models

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("consent_version", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("erased_at", storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("consent_withdrawn_at", storage.models.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("participants", schema=None) as batch_op:
        batch_op.drop_column("consent_withdrawn_at")
        batch_op.drop_column("erased_at")
        batch_op.drop_column("consent_version")
