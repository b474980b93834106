"""The out-of-town daily check: each working day's check of a 外地 region's list (its totals
and differences), kept on the region's `daily_check` case

Revision ID: b129f3c8399d
Revises: b2c4e6f8a013
Create Date: 2026-12-04 14:16:53.624369+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import casetracker.core.db

revision: str = 'b129f3c8399d'
down_revision: str | None = 'b2c4e6f8a013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('daily_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('partner_file', sa.String(length=255), nullable=False),
    sa.Column('changes_file', sa.String(length=255), nullable=False),
    sa.Column('listed', sa.Integer(), nullable=False),
    sa.Column('hires', sa.Integer(), nullable=False),
    sa.Column('leavers', sa.Integer(), nullable=False),
    sa.Column('differences', sa.JSON(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', casetracker.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_daily_checks_case_id_cases')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_daily_checks_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_checks')),
    sa.UniqueConstraint('case_id', 'day', name='uq_daily_checks_case_day')
    )
    with op.batch_alter_table('daily_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_daily_checks_case_id'), ['case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('daily_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_daily_checks_case_id'))

    op.drop_table('daily_checks')
