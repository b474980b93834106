"""Attachments can be removed or replaced with a reason: the row stays, marked with its
status, who took it off the checklist, when, why, and the upload that took its place

Revision ID: 5b8e2f4a9c61
Revises: 7d2a4c9e1b55
Create Date: 2026-12-03 18:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import casetracker.core.db

revision: str = "5b8e2f4a9c61"
down_revision: str | None = "7d2a4c9e1b55"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "'current', 'removed', 'superseded'"


def upgrade() -> None:
    with op.batch_alter_table("attachments") as batch:
        batch.add_column(
            sa.Column("status", sa.String(length=12), nullable=False, server_default="current")
        )
        batch.add_column(sa.Column("replaced_by_id", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column("retired_at", casetracker.core.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("retired_by_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("retired_reason", sa.String(length=500), nullable=True))
        batch.create_foreign_key(
            op.f("fk_attachments_replaced_by_id_attachments"),
            "attachments",
            ["replaced_by_id"],
            ["id"],
        )
        batch.create_foreign_key(
            op.f("fk_attachments_retired_by_id_users"), "users", ["retired_by_id"], ["id"]
        )
        batch.create_check_constraint(
            op.f("ck_attachments_status_known"), f"status IN ({STATUSES})"
        )
        batch.create_check_constraint(
            op.f("ck_attachments_retirement_recorded"),
            "status = 'current' OR (retired_at IS NOT NULL AND retired_by_id IS NOT NULL "
            "AND retired_reason IS NOT NULL)",
        )
        batch.create_check_constraint(
            op.f("ck_attachments_superseded_by_known"),
            "status <> 'superseded' OR replaced_by_id IS NOT NULL",
        )


def downgrade() -> None:
    # The old code would count a removed or superseded upload as current again (in the
    # checklist and the packets): refuse rather than lose what was taken off.
    retired = op.get_bind().scalar(
        sa.text("SELECT count(*) FROM attachments WHERE status <> 'current'")
    )
    if retired:
        raise RuntimeError(
            f"{retired} 个附件已被删除或替换，降级后会重新算作有效材料；请先备份并人工处理。"
            f" {retired} attachments were removed or replaced; downgrading would count them"
            " as current again."
        )
    with op.batch_alter_table("attachments") as batch:
        batch.drop_constraint(op.f("ck_attachments_superseded_by_known"), type_="check")
        batch.drop_constraint(op.f("ck_attachments_retirement_recorded"), type_="check")
        batch.drop_constraint(op.f("ck_attachments_status_known"), type_="check")
        batch.drop_constraint(op.f("fk_attachments_retired_by_id_users"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_attachments_replaced_by_id_attachments"), type_="foreignkey")
        batch.drop_column("retired_reason")
        batch.drop_column("retired_by_id")
        batch.drop_column("retired_at")
        batch.drop_column("replaced_by_id")
        batch.drop_column("status")
