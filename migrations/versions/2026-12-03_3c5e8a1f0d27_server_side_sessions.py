"""Server-side browser sessions: logout, a password change and deactivation end them at once

Revision ID: 3c5e8a1f0d27
Revises: 1a7c3e9d2b40
Create Date: 2026-12-03 14:30:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import casetracker.core.db

revision: str = "3c5e8a1f0d27"
down_revision: str | None = "1a7c3e9d2b40"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", casetracker.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", casetracker.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", casetracker.core.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    op.create_index(op.f("ix_user_sessions_user_id"), "user_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_user_sessions_user_id"), table_name="user_sessions")
    op.drop_table("user_sessions")
