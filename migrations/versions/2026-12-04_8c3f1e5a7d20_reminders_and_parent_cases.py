"""Reminder clocks (status 'reminder': never met, missed or overdue) and a case's parent (an
appraisal opened from its injury case)

Revision ID: 8c3f1e5a7d20
Revises: 5d2e7c9a4b81
Create Date: 2026-12-04 18:10:00.000000+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '8c3f1e5a7d20'
down_revision: str | None = '5d2e7c9a4b81'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEFORE = "'open', 'met', 'missed', 'paused', 'cancelled'"
AFTER = BEFORE + ", 'reminder'"


def upgrade() -> None:
    with op.batch_alter_table("clocks") as batch:
        batch.drop_constraint(op.f("ck_clocks_status_known"), type_="check")
        batch.create_check_constraint(op.f("ck_clocks_status_known"), f"status IN ({AFTER})")
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("parent_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_cases_parent_id_cases"), "cases", ["parent_id"], ["id"])
        batch.create_index(op.f("ix_cases_parent_id"), ["parent_id"])


def downgrade() -> None:
    reminders = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM clocks WHERE status = 'reminder'")
    )
    if reminders:
        raise RuntimeError(
            f"{reminders} 个提醒类时限无法在旧版本中表示；请先备份并人工处理。"
            f" {reminders} reminder clocks cannot be represented by the old version."
        )
    with op.batch_alter_table("cases") as batch:
        batch.drop_index(op.f("ix_cases_parent_id"))
        batch.drop_constraint(op.f("fk_cases_parent_id_cases"), type_="foreignkey")
        batch.drop_column("parent_id")
    with op.batch_alter_table("clocks") as batch:
        batch.drop_constraint(op.f("ck_clocks_status_known"), type_="check")
        batch.create_check_constraint(op.f("ck_clocks_status_known"), f"status IN ({BEFORE})")
