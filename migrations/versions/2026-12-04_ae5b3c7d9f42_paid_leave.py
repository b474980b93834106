"""An injury's paid leave for treatment (停工留薪期): from, months, an extension and its
approval date

Revision ID: ae5b3c7d9f42
Revises: 9d4a2b6c8e31
Create Date: 2026-12-04 19:00:00.000000+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'ae5b3c7d9f42'
down_revision: str | None = '9d4a2b6c8e31'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("injury_details") as batch:
        batch.add_column(sa.Column("paid_leave_start", sa.Date(), nullable=True))
        batch.add_column(sa.Column("paid_leave_months", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("paid_leave_extension_months", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("paid_leave_extension_approved_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("injury_details") as batch:
        for column in (
            "paid_leave_extension_approved_on",
            "paid_leave_extension_months",
            "paid_leave_months",
            "paid_leave_start",
        ):
            batch.drop_column(column)
