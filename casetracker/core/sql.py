"""Small SQL helpers shared by the domains."""

from typing import Any, cast

from sqlalchemy import Boolean, ColumnElement, Insert, insert, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement


def escape_like(value: str) -> str:
    """Make %, _ and the escape character itself match literally in LIKE."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: Any, value: str) -> ColumnElement[bool]:
    """Case-insensitive 'contains', the same on SQLite and PostgreSQL."""
    result: ColumnElement[bool] = column.ilike(f"%{escape_like(value)}%", escape="\\")
    return result


class _name_has(FunctionElement[bool]):  # noqa: N801 - a SQL function's name
    """A name containing a fragment. On PostgreSQL the name's characters must include the
    fragment's (served by the GIN index over `regexp_split_to_array(lower(name), '')`, which
    works for a single Chinese character, unlike trigrams) and then ILIKE confirms the order;
    elsewhere a plain case-insensitive LIKE."""

    type = Boolean()
    inherit_cache = True
    name = "name_has"


@compiles(_name_has)
def _name_has_default(element: _name_has, compiler: Any, **kw: Any) -> str:
    column, _chars, pattern = (compiler.process(c, **kw) for c in element.clauses)
    return f"lower({column}) LIKE lower({pattern}) ESCAPE '\\'"


@compiles(_name_has, "postgresql")
def _name_has_postgresql(element: _name_has, compiler: Any, **kw: Any) -> str:
    column, chars, pattern = (compiler.process(c, **kw) for c in element.clauses)
    return (
        f"(regexp_split_to_array(lower({column}), '') @> regexp_split_to_array({chars}, '')"
        f" AND {column} ILIKE {pattern} ESCAPE '\\')"
    )


def name_contains(column: Any, value: str) -> ColumnElement[bool]:
    """Case-insensitive 'contains' for an indexed name column (see `_name_has`)."""
    pattern = f"%{escape_like(value)}%"
    return cast(ColumnElement[bool], _name_has(column, literal(value.lower()), literal(pattern)))


class _ends_with(FunctionElement[bool]):  # noqa: N801 - a SQL function's name
    """A column ending with a value. On PostgreSQL, `reverse(column)` starting with the
    reversed value, served by a text_pattern_ops index over reverse(column); elsewhere a
    LIKE '%value'."""

    type = Boolean()
    inherit_cache = True
    name = "ends_with"


@compiles(_ends_with)
def _ends_with_default(element: _ends_with, compiler: Any, **kw: Any) -> str:
    column, suffix, _reversed = (compiler.process(c, **kw) for c in element.clauses)
    return f"{column} LIKE {suffix} ESCAPE '\\'"


@compiles(_ends_with, "postgresql")
def _ends_with_postgresql(element: _ends_with, compiler: Any, **kw: Any) -> str:
    column, _suffix, prefix = (compiler.process(c, **kw) for c in element.clauses)
    return f"reverse({column}) LIKE {prefix} ESCAPE '\\'"


def ends_with(column: Any, value: str) -> ColumnElement[bool]:
    # The reversed prefix is written into the SQL when it runs (`literal_execute`, quoted by
    # the dialect; the compiled statement stays cached): a LIKE uses the index only when the
    # planner sees its pattern, and once psycopg has prepared a statement PostgreSQL may plan
    # it generically, a bound pattern unknown: every ID number scanned, 0.5 s at 100,000.
    prefix = literal(f"{escape_like(value[::-1])}%", literal_execute=True)
    return cast(ColumnElement[bool], _ends_with(column, literal(f"%{escape_like(value)}"), prefix))


def insert_unless_present(session: Session, model: Any, values: dict[str, Any]) -> Insert:
    """An INSERT that does nothing when a unique constraint already holds the row: of two
    processes inserting the same row at once, one inserts and the other's is a no-op."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement: Insert = dialect.insert(model).values(**values).on_conflict_do_nothing()
    return statement


def bulk_insert(session: Session, table: Any, rows: list[dict[str, Any]]) -> None:
    """Many rows into one table in the session's transaction: through COPY on PostgreSQL
    (a month's bill of 100,000 lines in a fraction of the time INSERTs take), else in
    batches of INSERTs. Every row names the same columns."""
    if not rows:
        return
    columns = list(rows[0])
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        for start in range(0, len(rows), 5000):
            session.execute(insert(table), rows[start : start + 5000])
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    names = ", ".join(f'"{c}"' for c in columns)
    with driver.cursor().copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([row[c] for c in columns])
