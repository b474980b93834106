"""Alerts: levels raised from the clocks (unique per clock, level and repeat), their
deliveries (claimed with a lease) and every attempt; when the scan should next look at a
clock; each user's email address for alerts

Revision ID: a1e5c3f7d920
Revises: 7b3f0e9a5c12
Create Date: 2026-12-03 21:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from casetracker.core.db import UTCDateTime

revision: str = "a1e5c3f7d920"
down_revision: str | None = "7b3f0e9a5c12"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("status = 'open'")
PENDING = sa.text("status = 'pending'")
INBOX = sa.text("channel = 'inbox'")
UNACKNOWLEDGED = sa.text("level = 'escalation' AND acknowledged_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("clocks") as batch:
        batch.add_column(sa.Column("next_alert_at", UTCDateTime(), nullable=True))
    op.create_index(
        "ix_clocks_next_alert",
        "clocks",
        ["next_alert_at"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    # Clocks open now are looked at by the first scan.
    op.execute("UPDATE clocks SET next_alert_at = started_at WHERE status = 'open'")
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("email", sa.String(254), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("alert_email", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clock_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("repeat", sa.Integer(), nullable=False),
        sa.Column("clock_kind", sa.String(50), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("raised_at", UTCDateTime(), nullable=False),
        sa.Column("acknowledged_at", UTCDateTime(), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("acknowledgement", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "level IN ('warning', 'overdue', 'escalation')", name=op.f("ck_alerts_level_known")
        ),
        sa.ForeignKeyConstraint(["acknowledged_by_id"], ["users.id"], name=op.f("fk_alerts_acknowledged_by_id_users")),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_alerts_case_id_cases")),
        sa.ForeignKeyConstraint(["clock_id"], ["clocks.id"], name=op.f("fk_alerts_clock_id_clocks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
        sa.UniqueConstraint("clock_id", "level", "repeat", name=op.f("uq_alerts_once")),
    )
    op.create_index("ix_alerts_case_id", "alerts", ["case_id"])
    op.create_index(
        "ix_alerts_unacknowledged",
        "alerts",
        ["raised_at"],
        postgresql_where=UNACKNOWLEDGED,
        sqlite_where=UNACKNOWLEDGED,
    )
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempt_count", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=True),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("claimed_by", sa.String(100), nullable=False),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("read_at", UTCDateTime(), nullable=True),
        sa.CheckConstraint(
            "channel IN ('inbox', 'email', 'webhook')",
            name=op.f("ck_alert_deliveries_channel_known"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'sent', 'failed')",
            name=op.f("ck_alert_deliveries_status_known"),
        ),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], name=op.f("fk_alert_deliveries_alert_id_alerts")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_alert_deliveries_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
        sa.UniqueConstraint("key", name=op.f("uq_alert_deliveries_key")),
        sa.UniqueConstraint(
            "alert_id", "channel", "recipient", name=op.f("uq_alert_deliveries_one_per_recipient")
        ),
    )
    op.create_index("ix_alert_deliveries_alert_id", "alert_deliveries", ["alert_id"])
    op.create_index(
        "ix_alert_deliveries_pending",
        "alert_deliveries",
        ["next_attempt_at"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )
    op.create_index(
        "ix_alert_deliveries_inbox",
        "alert_deliveries",
        ["user_id", "read_at"],
        postgresql_where=INBOX,
        sqlite_where=INBOX,
    )
    op.create_table(
        "alert_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("message", sa.String(32), nullable=False),
        sa.CheckConstraint(
            "outcome IN ('sent', 'transient', 'permanent')",
            name=op.f("ck_alert_attempts_outcome_known"),
        ),
        sa.ForeignKeyConstraint(
            ["delivery_id"], ["alert_deliveries.id"], name=op.f("fk_alert_attempts_delivery_id_alert_deliveries")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_attempts")),
    )
    op.create_index("ix_alert_attempts_delivery_id", "alert_attempts", ["delivery_id"])


def downgrade() -> None:
    op.drop_table("alert_attempts")
    op.drop_table("alert_deliveries")
    op.drop_table("alerts")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("alert_email")
        batch.drop_column("email")
    op.drop_index("ix_clocks_next_alert", table_name="clocks")
    with op.batch_alter_table("clocks") as batch:
        batch.drop_column("next_alert_at")
