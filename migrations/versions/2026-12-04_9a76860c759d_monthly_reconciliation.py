"""Monthly reconciliation: imports as jobs (the stored upload, its stage and preview), a
monthly batch's details (one per region and month), the bill's lines (a person's
contribution history) and the batch's items with their resolutions

Revision ID: 9a76860c759d
Revises: f3b8d1a6c904
Create Date: 2026-12-04 13:34:26.579487+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import casetracker.core.db

revision: str = '9a76860c759d'
down_revision: str | None = 'f3b8d1a6c904'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('batch_details',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('bill_file', sa.String(length=255), nullable=False),
    sa.Column('bill_total', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('deducted_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_batch_details_case_id_cases')),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_batch_details_region_id_regions')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_batch_details')),
    sa.UniqueConstraint('region_id', 'month', name='uq_batch_details_region_month')
    )
    op.create_table('batch_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('resolution', sa.String(length=20), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('resolved_by_id', sa.Integer(), nullable=True),
    sa.Column('resolved_at', casetracker.core.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("resolution IS NULL OR resolution IN ('enrolled', 'stopped', 'base_corrected', 'ignored')", name=op.f('ck_batch_items_resolution_known')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_batch_items_case_id_cases')),
    sa.ForeignKeyConstraint(['resolved_by_id'], ['users.id'], name=op.f('fk_batch_items_resolved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch_items'))
    )
    with op.batch_alter_table('batch_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_batch_items_case_id'), ['case_id'], unique=False)

    op.create_table('bill_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('pay_type', sa.String(length=10), nullable=False),
    sa.Column('base', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('pension_employer', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('pension_employee', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('medical_employer', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('medical_employee', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('unemployment_employer', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('unemployment_employee', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('injury_employer', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('maternity_employer', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('total', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('sheet', sa.String(length=100), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_bill_lines_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bill_lines'))
    )
    with op.batch_alter_table('bill_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bill_lines_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_bill_lines_person_period', ['id_number', 'period'], unique=False)

    op.create_table('import_jobs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=100), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', casetracker.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', casetracker.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('error', sa.String(length=2000), nullable=False),
    sa.CheckConstraint("kind IN ('roster', 'bill')", name=op.f('ck_import_jobs_kind_known')),
    sa.CheckConstraint("status IN ('queued', 'running', 'ready', 'applied', 'failed')", name=op.f('ck_import_jobs_status_known')),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_import_jobs_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_import_jobs_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_jobs'))
    )
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_import_jobs_case_id'), ['case_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('import_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_import_jobs_case_id'))

    op.drop_table('import_jobs')
    with op.batch_alter_table('bill_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_bill_lines_person_period')
        batch_op.drop_index(batch_op.f('ix_bill_lines_case_id'))

    op.drop_table('bill_lines')
    with op.batch_alter_table('batch_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_batch_items_case_id'))

    op.drop_table('batch_items')
    op.drop_table('batch_details')
