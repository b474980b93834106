"""Region clock lengths become ClockTerm rows; clocks carry known statuses, units and an
alert level

Revision ID: 7d2a4c9e1b55
Revises: 3c5e8a1f0d27
Create Date: 2026-12-03 15:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7d2a4c9e1b55"
down_revision: str | None = "3c5e8a1f0d27"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = "'open', 'met', 'missed', 'paused', 'cancelled'"
UNITS = "'hours', 'calendar_days', 'working_days', 'months'"
# The two injury clocks whose length was a Region column: (kind, column, unit, basis).
REGIONAL = (
    ("filing_report", "injury_report_hours", "hours", "参保地工伤快报时限（地方规定）"),
    ("written_report", "written_report_working_days", "working_days", "参保地书面报告时限（地方规定）"),
)


def upgrade() -> None:
    with op.batch_alter_table("clock_terms") as batch:
        batch.add_column(
            sa.Column("overrides", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.create_check_constraint(op.f("ck_clock_terms_unit_known"), f"unit IN ({UNITS})")
        batch.create_check_constraint(
            op.f("ck_clock_terms_only_regions_override"), "NOT overrides OR region_id IS NOT NULL"
        )
    with op.batch_alter_table("clocks") as batch:
        batch.add_column(
            sa.Column("alert_level", sa.Integer(), nullable=False, server_default="0")
        )
        batch.create_check_constraint(op.f("ck_clocks_status_known"), f"status IN ({STATUSES})")
        batch.create_check_constraint(op.f("ck_clocks_unit_known"), f"unit IN ({UNITS})")
        batch.create_check_constraint(op.f("ck_clocks_alert_level_not_negative"), "alert_level >= 0")
    for kind, column, unit, basis in REGIONAL:
        op.execute(
            "INSERT INTO clock_terms (region_id, client_id, case_type, kind, unit, length, basis, "
            f"overrides) SELECT id, NULL, 'injury', '{kind}', '{unit}', {column}, "
            f"'{basis}：' || name, true FROM regions"
        )
    with op.batch_alter_table("regions") as batch:
        batch.drop_constraint(op.f("ck_regions_report_hours_positive"), type_="check")
        batch.drop_constraint(op.f("ck_regions_written_days_positive"), type_="check")
        batch.drop_column("injury_report_hours")
        batch.drop_column("written_report_working_days")


def downgrade() -> None:
    with op.batch_alter_table("regions") as batch:
        batch.add_column(
            sa.Column("injury_report_hours", sa.Integer(), nullable=False, server_default="24")
        )
        batch.add_column(
            sa.Column(
                "written_report_working_days", sa.Integer(), nullable=False, server_default="5"
            )
        )
    for kind, column, _unit, _basis in REGIONAL:
        op.execute(
            f"UPDATE regions SET {column} = (SELECT length FROM clock_terms t WHERE "
            f"t.region_id = regions.id AND t.kind = '{kind}' AND t.overrides) WHERE EXISTS "
            f"(SELECT 1 FROM clock_terms t WHERE t.region_id = regions.id AND t.kind = '{kind}' "
            "AND t.overrides)"
        )
    op.execute("DELETE FROM clock_terms WHERE overrides")
    with op.batch_alter_table("clocks") as batch:
        batch.drop_constraint(op.f("ck_clocks_alert_level_not_negative"), type_="check")
        batch.drop_constraint(op.f("ck_clocks_unit_known"), type_="check")
        batch.drop_constraint(op.f("ck_clocks_status_known"), type_="check")
        batch.drop_column("alert_level")
    with op.batch_alter_table("clock_terms") as batch:
        batch.drop_constraint(op.f("ck_clock_terms_only_regions_override"), type_="check")
        batch.drop_constraint(op.f("ck_clock_terms_unit_known"), type_="check")
        batch.drop_column("overrides")
