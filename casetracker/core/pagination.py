"""Offset pagination for list pages and the API."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
PER_PAGE = 50


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def fetch_slice(
    session: Session, query: Select[Any], *, offset: int, limit: int
) -> tuple[list[Any], int]:
    """`limit` rows from `offset`, and the total the query would return without them."""
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = session.scalars(query.offset(offset).limit(limit)).all()
    return list(items), total or 0


def clamp_page(total: int, page: int, per_page: int = PER_PAGE) -> int:
    """The page to show: past the end (an old link, a hand-typed number) the last one."""
    return min(page, max(1, -(-total // per_page)))


def paginate(
    session: Session, query: Select[Any], *, page: int, per_page: int = PER_PAGE
) -> Page[Any]:
    items, total = fetch_slice(session, query, offset=(page - 1) * per_page, limit=per_page)
    last = max(1, -(-total // per_page))
    if page > last:  # past the end (an old link, a hand-typed number): show the last page
        return paginate(session, query, page=last, per_page=per_page)
    return Page(items=items, total=total, page=page, per_page=per_page)
