"""How many whole ID numbers a stored packet lists (a batch's enrolment/stop list), so each
download of it is audited with its own count

Revision ID: 5d2e7c9a4b81
Revises: 4fb1cdc1a168
Create Date: 2026-12-04 17:20:00.000000+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '5d2e7c9a4b81'
down_revision: str | None = '4fb1cdc1a168'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('packets') as batch:
        batch.add_column(sa.Column('listed_ids', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('packets') as batch:
        batch.drop_column('listed_ids')
