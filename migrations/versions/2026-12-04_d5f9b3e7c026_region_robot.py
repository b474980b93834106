"""A region's own group robot (外地 partners' groups): its webhook URL, kind and signing secret

Revision ID: d5f9b3e7c026
Revises: c4e8a2d6b915
Create Date: 2026-12-04 09:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d5f9b3e7c026"
down_revision: str | None = "c4e8a2d6b915"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("regions") as batch:
        batch.add_column(sa.Column("robot_url", sa.String(500), nullable=False, server_default=""))
        batch.add_column(sa.Column("robot_kind", sa.String(20), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("robot_secret", sa.String(200), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("regions") as batch:
        batch.drop_column("robot_secret")
        batch.drop_column("robot_kind")
        batch.drop_column("robot_url")
