"""Each case keeps the earliest due time of its open clocks (next_due_at), indexed, so the
desk and the lists order and filter by an index instead of aggregating every open clock

Revision ID: e2a9c7b41d06
Revises: c4e71a9d3f58
Create Date: 2026-12-03 20:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import casetracker.core.db

revision: str = "e2a9c7b41d06"
down_revision: str | None = "c4e71a9d3f58"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("next_due_at", casetracker.core.db.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE cases SET next_due_at = (SELECT min(clocks.due_at) FROM clocks"
        " WHERE clocks.case_id = cases.id AND clocks.status = 'open')"
    )
    op.create_index("ix_cases_next_due", "cases", ["next_due_at", "id"])
    for name, columns in (
        ("ix_cases_open_owner_next_due", ["owner_id", "next_due_at", "id"]),
        ("ix_cases_open_next_due", ["next_due_at", "id"]),
    ):
        op.create_index(
            name,
            "cases",
            columns,
            postgresql_where=sa.text("closed_at IS NULL"),
            sqlite_where=sa.text("closed_at IS NULL"),
        )


def downgrade() -> None:
    for name in ("ix_cases_open_next_due", "ix_cases_open_owner_next_due", "ix_cases_next_due"):
        op.drop_index(name, table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("next_due_at")
