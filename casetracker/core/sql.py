"""Small SQL helpers shared by the domains."""

from typing import Any

from sqlalchemy import ColumnElement


def escape_like(value: str) -> str:
    """Make %, _ and the escape character itself match literally in LIKE."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains(column: Any, value: str) -> ColumnElement[bool]:
    """Case-insensitive 'contains', the same on SQLite and PostgreSQL."""
    result: ColumnElement[bool] = column.ilike(f"%{escape_like(value)}%", escape="\\")
    return result


def ends_with(column: Any, value: str) -> ColumnElement[bool]:
    result: ColumnElement[bool] = column.like(f"%{escape_like(value)}", escape="\\")
    return result
