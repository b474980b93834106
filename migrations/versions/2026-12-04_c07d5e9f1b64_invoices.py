"""An injury's invoices (医疗收费票据, 数电票), one row per paper across every case

Revision ID: c07d5e9f1b64
Revises: bf6c4d8e0a53
Create Date: 2026-12-04 19:40:00.000000+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import casetracker.core.db

revision: str = 'c07d5e9f1b64'
down_revision: str | None = 'bf6c4d8e0a53'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = "'outpatient', 'inpatient', 'pharmacy', 'other'"
STATUSES = "'received', 'submitted', 'approved', 'rejected', 'returned', 'kept', 'reversed'"


def upgrade() -> None:
    op.create_table(
        'invoices',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=False),
        sa.Column('identity', sa.String(length=81), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=False),
        sa.Column('hospital', sa.String(length=100), nullable=False),
        sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('replaced_by_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('created_at', casetracker.core.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('amount > 0', name=op.f('ck_invoices_amount_positive')),
        sa.CheckConstraint(f'kind IN ({KINDS})', name=op.f('ck_invoices_kind_known')),
        sa.CheckConstraint(f'status IN ({STATUSES})', name=op.f('ck_invoices_status_known')),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_invoices_case_id_cases')),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_invoices_created_by_id_users')),
        sa.ForeignKeyConstraint(['replaced_by_id'], ['invoices.id'], name=op.f('fk_invoices_replaced_by_id_invoices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
        sa.UniqueConstraint('identity', name=op.f('uq_invoices_identity')),
    )
    with op.batch_alter_table('invoices') as batch:
        batch.create_index(batch.f('ix_invoices_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('invoices') as batch:
        batch.drop_index(batch.f('ix_invoices_case_id'))
    op.drop_table('invoices')
