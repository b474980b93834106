"""People by their display names on the timeline and the contact log; a case's opened_at is
when it was recorded (the opening event's time stays on its `open` timeline entry)

Revision ID: 8f1d3b6c2a47
Revises: 5b8e2f4a9c61
Create Date: 2026-12-03 19:00:00+08:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8f1d3b6c2a47"
down_revision: str | None = "5b8e2f4a9c61"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _names(column: str) -> None:
    op.execute(
        f"UPDATE case_transitions SET actor_name = (SELECT {column} FROM users"
        " WHERE users.id = case_transitions.actor_id) WHERE actor_id IS NOT NULL"
    )
    op.execute(
        f"UPDATE contacts SET author_name = (SELECT {column} FROM users"
        " WHERE users.id = contacts.author_id)"
    )


def _opened_at(column: str) -> None:
    op.execute(
        f"UPDATE cases SET opened_at = (SELECT {column} FROM case_transitions"
        " WHERE case_transitions.case_id = cases.id AND case_transitions.name = 'open')"
        " WHERE EXISTS (SELECT 1 FROM case_transitions"
        " WHERE case_transitions.case_id = cases.id AND case_transitions.name = 'open')"
    )


def upgrade() -> None:
    _names("display_name")
    _opened_at("at")


def downgrade() -> None:
    _names("username")
    _opened_at("event_at")
