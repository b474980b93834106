"""Each user's calendar feed of open clocks: the SHA-256 of its secret (None: no feed)

Revision ID: b7d2e4f6a813
Revises: a1e5c3f7d920
Create Date: 2026-12-03 22:30:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b7d2e4f6a813"
down_revision: str | None = "a1e5c3f7d920"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("calendar_token_hash", sa.String(64), nullable=True))
        batch.create_unique_constraint(
            op.f("uq_users_calendar_token_hash"), ["calendar_token_hash"]
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("uq_users_calendar_token_hash"), type_="unique")
        batch.drop_column("calendar_token_hash")
