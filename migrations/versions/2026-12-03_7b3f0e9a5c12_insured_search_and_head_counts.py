"""Insured search and head counts served by indexes: (client_id, leave_on) for who is
insured today; on PostgreSQL a GIN index over the characters of the name (a fragment of any
length, a single Chinese character included) and a prefix index over the reversed ID number
(its last digits)

Revision ID: 7b3f0e9a5c12
Revises: e2a9c7b41d06
Create Date: 2026-12-03 20:30:00+08:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "7b3f0e9a5c12"
down_revision: str | None = "e2a9c7b41d06"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME_CHARS = "regexp_split_to_array(lower(name), '')"


def upgrade() -> None:
    op.create_index("ix_insured_people_client_leave", "insured_people", ["client_id", "leave_on"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE INDEX ix_insured_people_name_chars ON insured_people USING gin ({NAME_CHARS})"
        )
        op.execute(
            "CREATE INDEX ix_insured_people_id_reversed ON insured_people"
            " (reverse(id_number) text_pattern_ops)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_insured_people_id_reversed")
        op.execute("DROP INDEX ix_insured_people_name_chars")
    op.drop_index("ix_insured_people_client_leave", table_name="insured_people")
