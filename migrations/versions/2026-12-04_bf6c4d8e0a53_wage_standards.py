"""Each region's wage figures by year (average monthly wage in force, minimum wage)

Revision ID: bf6c4d8e0a53
Revises: ae5b3c7d9f42
Create Date: 2026-12-04 19:20:00.000000+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import casetracker.core.db

revision: str = 'bf6c4d8e0a53'
down_revision: str | None = 'ae5b3c7d9f42'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'wage_standards',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('region_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('average_monthly_wage', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('minimum_wage', sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column('updated_by_id', sa.Integer(), nullable=False),
        sa.Column('updated_at', casetracker.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('average_monthly_wage > 0', name=op.f('ck_wage_standards_average_positive')),
        sa.CheckConstraint('minimum_wage IS NULL OR minimum_wage >= 0', name=op.f('ck_wage_standards_minimum_not_negative')),
        sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_wage_standards_region_id_regions')),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_wage_standards_updated_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_wage_standards')),
        sa.UniqueConstraint('region_id', 'year', name='uq_wage_standards_region_year'),
    )


def downgrade() -> None:
    op.drop_table('wage_standards')
