"""Claims of an injury's invoices: each invoice's claim, approved amount and rejection reason;
a claim's approved total, payment, shortfall and posting

Revision ID: d18e6f0a2c75
Revises: c07d5e9f1b64
Create Date: 2026-12-04 20:00:00.000000+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'd18e6f0a2c75'
down_revision: str | None = 'c07d5e9f1b64'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('invoices') as batch:
        batch.add_column(sa.Column('claim_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('approved_amount', sa.Numeric(precision=12, scale=2), nullable=True))
        batch.add_column(sa.Column('rejection_reason', sa.String(length=500), nullable=False, server_default=''))
        batch.create_foreign_key(batch.f('fk_invoices_claim_id_cases'), 'cases', ['claim_id'], ['id'])
        batch.create_index(batch.f('ix_invoices_claim_id'), ['claim_id'], unique=False)
    op.create_table(
        'claim_details',
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('injury_id', sa.Integer(), nullable=False),
        sa.Column('approved_total', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column('paid_amount', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column('shortfall', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column('posted_reference', sa.String(length=100), nullable=False),
        sa.Column('posted_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_claim_details_case_id_cases')),
        sa.ForeignKeyConstraint(['injury_id'], ['cases.id'], name=op.f('fk_claim_details_injury_id_cases')),
        sa.PrimaryKeyConstraint('case_id', name=op.f('pk_claim_details')),
    )
    with op.batch_alter_table('claim_details') as batch:
        batch.create_index(batch.f('ix_claim_details_injury_id'), ['injury_id'], unique=False)
        batch.create_index(batch.f('ix_claim_details_posted_on'), ['posted_on'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('claim_details') as batch:
        batch.drop_index(batch.f('ix_claim_details_posted_on'))
        batch.drop_index(batch.f('ix_claim_details_injury_id'))
    op.drop_table('claim_details')
    with op.batch_alter_table('invoices') as batch:
        batch.drop_index(batch.f('ix_invoices_claim_id'))
        batch.drop_constraint(batch.f('fk_invoices_claim_id_cases'), type_='foreignkey')
        batch.drop_column('rejection_reason')
        batch.drop_column('approved_amount')
        batch.drop_column('claim_id')
