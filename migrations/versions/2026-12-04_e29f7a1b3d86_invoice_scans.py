"""Each invoice's photo or scan (an attachment of its injury case)

Revision ID: e29f7a1b3d86
Revises: d18e6f0a2c75
Create Date: 2026-12-04 22:00:00.000000+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'e29f7a1b3d86'
down_revision: str | None = 'd18e6f0a2c75'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('invoices') as batch:
        batch.add_column(sa.Column('scan_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_invoices_scan_id_attachments'), 'attachments', ['scan_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('invoices') as batch:
        batch.drop_constraint(batch.f('fk_invoices_scan_id_attachments'), type_='foreignkey')
        batch.drop_column('scan_id')
