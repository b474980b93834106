"""The insured person's name on the case, so that a search of the case lists by name runs
through an index on cases alone (on PostgreSQL the same GIN index over the name's characters
as the insured search's); filled from the people for the cases already there

Revision ID: f3b8d1a6c904
Revises: e7a1c4f8d237
Create Date: 2026-12-04 13:00:00+08:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "f3b8d1a6c904"
down_revision: str | None = "e7a1c4f8d237"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(
            sa.Column("insured_name", sa.String(50), nullable=False, server_default="")
        )
    op.execute(
        "UPDATE cases SET insured_name = COALESCE("
        "(SELECT name FROM insured_people WHERE insured_people.id = cases.insured_id), '')"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_cases_insured_name_chars ON cases"
            " USING gin (regexp_split_to_array(lower(insured_name), ''))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_cases_insured_name_chars")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("insured_name")
