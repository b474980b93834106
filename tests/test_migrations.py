"""The migrations and the models agree: autogenerate finds nothing left to do."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from casetracker.cases.models import SEARCH_INDEXES as CASE_SEARCH_INDEXES
from casetracker.models import Base
from casetracker.people.models import SEARCH_INDEXES


def _declared(obj: object, name: str | None, type_: str, reflected: bool, other: object) -> bool:
    """Everything but the PostgreSQL-only expression indexes the models cannot declare."""
    return not (type_ == "index" and name in SEARCH_INDEXES | CASE_SEARCH_INDEXES)


def test_the_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": _declared}
        )
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
