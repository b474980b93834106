"""A case may belong to no one client: a region's monthly batch covers all of them

Revision ID: b2c4e6f8a013
Revises: 9a76860c759d
Create Date: 2026-12-04 14:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b2c4e6f8a013"
down_revision: str | None = "9a76860c759d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("client_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.alter_column("client_id", existing_type=sa.Integer(), nullable=False)
