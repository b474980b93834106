"""Finding cases for the lists (the desk, /cases, the API list): filters, search, the order
(nearest open clock first, by the case's indexed `next_due_at`) and rows that carry exactly
what a list shows. A page of cases costs three queries whatever its size — the count, the
cases joined with their client, region and owner, and their running clocks — and loads no
ORM objects, so a 50-case page stays cheap."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases.models import Case, Clock, ClockStatus
from casetracker.core.sql import name_contains
from casetracker.core.validation import parse_int
from casetracker.people.matching import is_id_text, person_matches
from casetracker.people.models import Client, InsuredPerson, Region

RUNNING = (ClockStatus.OPEN.value, ClockStatus.PAUSED.value)


@dataclass(frozen=True)
class CaseFilter:
    type: str | None = None
    state: str | None = None
    owner_id: int | None = None
    region_id: int | None = None
    client_id: int | None = None
    overdue: bool = False
    due_before: datetime | None = None
    open_only: bool = False  # not yet closed
    # An employee's name (part of it), ID number (whole, or its last 4+ characters) or a case
    # number (#12 or 12).
    search: str = ""


@dataclass(slots=True)
class ListedClock:
    """A running clock as a list shows it."""

    id: int
    case_id: int
    kind: str
    label: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None
    status: str
    provisional: bool
    paused_at: datetime | None


@dataclass(slots=True)
class ListedCase:
    """A case as a list shows it: its own columns, the names of its client, region and owner,
    and its running clocks."""

    id: int
    type: str
    state: str
    version: int
    title: str
    client_id: int | None
    client: str | None
    insured_id: int | None
    region_id: int
    region: str
    owner_id: int
    owner_login: str
    owner_name: str
    opened_at: datetime
    closed_at: datetime | None
    next_due_at: datetime | None
    clocks: list[ListedClock] = field(default_factory=list)


def shown_clocks(clocks: list[ListedClock], now: datetime) -> list[ListedClock]:
    """What a list row shows of a case's running clocks: every overdue one (the 30-day
    application behind a late 24-hour filing is the costly one), else the next to fall
    due; soonest first."""
    running = sorted(
        (c for c in clocks if c.status == ClockStatus.OPEN.value), key=lambda c: c.due_at
    )
    return [c for c in running if now > c.due_at] or running[:1]


def _search(text: str) -> ColumnElement[bool]:
    text = text.strip()
    found: ColumnElement[bool] = (
        Case.insured_id.in_(select(InsuredPerson.id).where(person_matches(text)))
        if is_id_text(text)
        else name_contains(Case.insured_name, text)  # the case's copy, indexed on the case
    )
    number = parse_int(text.strip().removeprefix("#"))
    if number is not None and number > 0:
        found = found | (Case.id == number)
    return found


def _conditions(filters: CaseFilter, now: datetime) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = [
        column == value
        for column, value in (
            (Case.type, filters.type),
            (Case.state, filters.state),
            (Case.owner_id, filters.owner_id),
            (Case.region_id, filters.region_id),
            (Case.client_id, filters.client_id),
        )
        if value is not None
    ]
    if filters.open_only:
        found.append(Case.closed_at.is_(None))
    if filters.overdue:
        found.append(Case.next_due_at < now)
    if filters.due_before is not None:
        found.append(Case.next_due_at < filters.due_before)
    if filters.search.strip():
        found.append(_search(filters.search))
    return found


def case_query(filters: CaseFilter, now: datetime) -> Select[Any]:
    """Cases (ORM) matching the filters, nearest open clock first, cases with none last."""
    return (
        select(Case)
        .where(*_conditions(filters, now))
        .order_by(Case.next_due_at.asc().nulls_last(), Case.id)
    )


def count_cases(*, session: Session, filters: CaseFilter, now: datetime) -> int:
    return session.scalar(select(func.count(Case.id)).where(*_conditions(filters, now))) or 0


_PAGED = (
    Case.id,
    Case.type,
    Case.state,
    Case.version,
    Case.title,
    Case.client_id,
    Case.insured_id,
    Case.region_id,
    Case.owner_id,
    Case.opened_at,
    Case.closed_at,
    Case.next_due_at,
)


_NAMES = (
    Client.name.label("client"),
    Region.name.label("region"),
    User.username.label("owner_login"),
    User.display_name.label("owner_name"),
)


def _named(query: Select[Any], source: Any) -> Select[Any]:
    """Joined with the names of the cases' clients, regions and owners."""
    return (
        query.outerjoin(Client, Client.id == source.client_id)
        .join(Region, Region.id == source.region_id)
        .join(User, User.id == source.owner_id)
    )


def _in_field_order(source: Any) -> list[Any]:
    """The columns of `ListedCase`, in its field order, from `source` (the cases table or a
    page of it) and the joined names."""
    c = source
    client, region, owner_login, owner_name = _NAMES
    return [
        c.id, c.type, c.state, c.version, c.title, c.client_id, client, c.insured_id,
        c.region_id, region, c.owner_id, owner_login, owner_name, c.opened_at, c.closed_at,
        c.next_due_at,
    ]  # fmt: skip


def _page_query(
    filters: CaseFilter, now: datetime, offset: int, limit: int, *, with_total: bool = False
) -> Select[Any]:
    """A page of cases in the lists' order with their names. A plain list joins the names
    along its index scan (the limit stops it); a search (`with_total`, counting its matches
    in the same pass) takes its page first and joins the names to those rows only: joined
    before the limit, the planner walked every match through the joins."""
    order = (Case.next_due_at.asc().nulls_last(), Case.id)
    if not with_total:
        query: Select[Any] = select(*_in_field_order(Case.__table__.c))
        return (
            _named(query, Case)
            .where(*_conditions(filters, now))
            .order_by(*order)
            .offset(offset)
            .limit(limit)
        )
    page = (
        select(*_PAGED, func.count().over().label("total"))
        .where(*_conditions(filters, now))
        .order_by(*order)
        .offset(offset)
        .limit(limit)
        .subquery("page")
    )
    return _named(select(*_in_field_order(page.c), page.c.total), page.c).order_by(
        page.c.next_due_at.asc().nulls_last(), page.c.id
    )


def list_page(
    *,
    session: Session,
    filters: CaseFilter,
    now: datetime,
    offset: int,
    limit: int,
    shown_only: bool = False,
) -> tuple[list[ListedCase], int]:
    """A page of cases and how many match in all. A search counts in the same pass (its
    matches are few, and running the person search twice is what it would cost); other
    lists count apart, so the page itself stays an index scan with a limit. `shown_only`:
    each case with only the clocks a list row shows (`shown_clocks`), else every running
    one (the API)."""
    if not filters.search.strip():
        total = count_cases(session=session, filters=filters, now=now)
        return list_cases(
            session=session,
            filters=filters,
            now=now,
            offset=offset,
            limit=limit,
            shown_only=shown_only,
        ), total
    rows = session.execute(_page_query(filters, now, offset, limit, with_total=True)).all()
    if not rows:  # past the end, or nothing found
        return [], count_cases(session=session, filters=filters, now=now) if offset else 0
    total = rows[0].total
    return _with_clocks(session, [_listed(row) for row in rows], now, shown_only), total


_FIELDS = len(_PAGED) + 4  # and the four names


def _listed(row: Any) -> ListedCase:
    values: tuple[Any, ...] = (*row[:_FIELDS], [])  # the columns in field order, no clocks yet
    return ListedCase(*values)


def list_cases(
    *,
    session: Session,
    filters: CaseFilter,
    now: datetime,
    offset: int,
    limit: int,
    shown_only: bool = False,
) -> list[ListedCase]:
    """`limit` cases from `offset` in the lists' order, with their running clocks (or, with
    `shown_only`, those a list row shows)."""
    rows = session.execute(_page_query(filters, now, offset, limit)).all()
    return _with_clocks(session, [_listed(row) for row in rows], now, shown_only)


def _with_clocks(
    session: Session, cases: list[ListedCase], now: datetime, shown_only: bool
) -> list[ListedCase]:
    if not cases:
        return cases
    by_case = {case.id: case.clocks for case in cases}
    which: list[ColumnElement[bool]] = [Clock.status.in_(RUNNING)]
    if shown_only:  # open and overdue, or the case's next to fall due: no others are shown
        which = [
            Clock.status == ClockStatus.OPEN.value,
            Clock.case_id == Case.id,
            or_(Clock.due_at < now, Clock.due_at <= Case.next_due_at),
        ]
    for clock_row in session.execute(
        select(
            Clock.id,
            Clock.case_id,
            Clock.kind,
            Clock.label,
            Clock.started_at,
            Clock.due_at,
            Clock.stopped_at,
            Clock.status,
            Clock.provisional,
            Clock.paused_at,
        )
        .where(Clock.case_id.in_(list(by_case)), *which)
        .order_by(Clock.id)
    ):
        values: tuple[Any, ...] = tuple(clock_row)
        by_case[clock_row.case_id].append(ListedClock(*values))
    if shown_only:
        for case in cases:
            case.clocks = shown_clocks(case.clocks, now)
    return cases
