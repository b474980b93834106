"""The supervisors' daily summary email: a delivery of its own kind, for a day instead of an
alert, once per (day, channel, recipient) however many processes plan it

Revision ID: c4e8a2d6b915
Revises: b7d2e4f6a813
Create Date: 2026-12-04 08:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c4e8a2d6b915"
down_revision: str | None = "b7d2e4f6a813"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.add_column(sa.Column("summary_on", sa.Date(), nullable=True))
        batch.alter_column("alert_id", existing_type=sa.Integer(), nullable=True)
        batch.create_unique_constraint(
            op.f("uq_alert_deliveries_one_summary"), ["summary_on", "channel", "recipient"]
        )
        batch.create_check_constraint(
            op.f("ck_alert_deliveries_alert_or_summary"),
            "(alert_id IS NULL) <> (summary_on IS NULL)",
        )


def downgrade() -> None:
    op.execute("DELETE FROM alert_attempts WHERE delivery_id IN "
               "(SELECT id FROM alert_deliveries WHERE summary_on IS NOT NULL)")
    op.execute("DELETE FROM alert_deliveries WHERE summary_on IS NOT NULL")
    with op.batch_alter_table("alert_deliveries") as batch:
        batch.drop_constraint(op.f("ck_alert_deliveries_alert_or_summary"), type_="check")
        batch.drop_constraint(op.f("uq_alert_deliveries_one_summary"), type_="unique")
        batch.alter_column("alert_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("summary_on")
