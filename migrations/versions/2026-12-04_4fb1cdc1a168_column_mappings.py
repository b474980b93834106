"""Columns mapped by hand for a region's bills whose header the reader does not recognise

Revision ID: 4fb1cdc1a168
Revises: b129f3c8399d
Create Date: 2026-12-04 14:19:51.848558+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import casetracker.core.db

revision: str = '4fb1cdc1a168'
down_revision: str | None = 'b129f3c8399d'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('column_mappings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('region_id', sa.Integer(), nullable=False),
    sa.Column('header_row', sa.Integer(), nullable=False),
    sa.Column('columns', sa.JSON(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', casetracker.core.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_id'], ['regions.id'], name=op.f('fk_column_mappings_region_id_regions')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_column_mappings_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_column_mappings')),
    sa.UniqueConstraint('region_id', name=op.f('uq_column_mappings_region_id'))
    )


def downgrade() -> None:
    op.drop_table('column_mappings')
