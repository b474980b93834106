"""The supervisor's overview: open cases, due today, due within 3 days and overdue, by
specialist, region, client and case type; overdue clocks per day over 90 days; and the
escalations waiting for acknowledgement. Counts come from `cases.next_due_at` (the earliest
due time of a case's open clocks), one grouped query per dimension."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from casetracker.alerts.models import Alert, Level
from casetracker.auth.models import User
from casetracker.calendar.periods import end_of_day
from casetracker.cases import registry
from casetracker.cases.models import Case, Clock, ClockStatus
from casetracker.core.clock import local
from casetracker.people.models import Client, Region

CHART_DAYS = 90


@dataclass(frozen=True)
class Counts:
    open: int
    due_today: int
    due_3d: int
    overdue: int


@dataclass(frozen=True)
class Row:
    """One specialist, region, client or case type; `filter` is its /cases query."""

    key: str
    label: str
    counts: Counts
    filter: str


@dataclass(frozen=True)
class Waiting:
    """An escalation no supervisor has acknowledged, its clock still open."""

    alert_id: int
    case_id: int
    case_title: str
    clock_kind: str
    clock_label: str
    owner: str
    due_at: datetime
    raised_at: datetime
    repeat: int


@dataclass(frozen=True)
class Overview:
    total: Counts
    by_owner: list[Row]
    by_region: list[Row]
    by_client: list[Row]
    by_type: list[Row]
    overdue_per_day: list[tuple[date, int]]
    waiting: list[Waiting]


def _counted(now: datetime) -> list[Any]:
    today_end = end_of_day(local(now).date())
    due = Case.next_due_at
    return [
        func.count().label("open"),
        func.count().filter(due < today_end).label("due_today"),
        func.count().filter(due < now + timedelta(days=3)).label("due_3d"),
        func.count().filter(due < now).label("overdue"),
    ]


def _counts(row: Any) -> Counts:
    return Counts(row.open, row.due_today, row.due_3d, row.overdue)


OPEN: ColumnElement[bool] = Case.closed_at.is_(None)


def _grouped(session: Session, now: datetime, key: Any, label: Any, *joins: Any) -> list[Any]:
    query = select(key.label("key"), label.label("label"), *_counted(now)).where(OPEN)
    for target, on in joins:
        query = query.join(target, on)
    return list(session.execute(query.group_by(key, label).order_by(label)))


def overview(*, session: Session, now: datetime) -> Overview:
    total = _counts(session.execute(select(*_counted(now)).where(OPEN)).one())
    owners = _grouped(
        session, now, Case.owner_id, User.display_name, (User, User.id == Case.owner_id)
    )
    regions = _grouped(
        session, now, Case.region_id, Region.name, (Region, Region.id == Case.region_id)
    )
    clients = _grouped(
        session, now, Case.client_id, Client.name, (Client, Client.id == Case.client_id)
    )
    types = _grouped(session, now, Case.type, Case.type)
    return Overview(
        total=total,
        by_owner=[Row(str(r.key), r.label, _counts(r), f"owner={r.key}") for r in owners],
        by_region=[Row(str(r.key), r.label, _counts(r), f"region={r.key}") for r in regions],
        by_client=[Row(str(r.key), r.label, _counts(r), f"client={r.key}") for r in clients],
        by_type=[
            Row(r.key, str(registry.workflow(r.key).label), _counts(r), f"type={r.key}")
            for r in types
        ],
        overdue_per_day=overdue_per_day(session=session, now=now),
        waiting=waiting(session=session),
    )


def overdue_per_day(
    *, session: Session, now: datetime, days: int = CHART_DAYS
) -> list[tuple[date, int]]:
    """How many clocks stood overdue at the end of each of the last `days` days (today: now).
    A clock is overdue from its due time until it was met, missed or cancelled; a paused
    clock's time does not run, so it is not counted while paused."""
    today = local(now).date()
    first = today - timedelta(days=days - 1)
    start = end_of_day(first - timedelta(days=1))
    late = session.execute(
        select(Clock.due_at, Clock.stopped_at).where(
            Clock.due_at < now,
            Clock.status.notin_((ClockStatus.PAUSED.value, ClockStatus.REMINDER.value)),
            or_(Clock.stopped_at.is_(None), Clock.stopped_at > Clock.due_at),
            or_(Clock.stopped_at.is_(None), Clock.stopped_at > start),
        )
    ).all()
    found = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        moment = min(end_of_day(day), now)
        found.append(
            (
                day,
                sum(
                    1
                    for due_at, stopped_at in late
                    if due_at < moment and (stopped_at is None or stopped_at > moment)
                ),
            )
        )
    return found


def waiting(*, session: Session) -> list[Waiting]:
    rows = session.execute(
        select(Alert, Case.title, Case.type, User.display_name)
        .join(Clock, Clock.id == Alert.clock_id)
        .join(Case, Case.id == Alert.case_id)
        .join(User, User.id == Case.owner_id)
        .where(
            Alert.level == Level.ESCALATION.value,
            Alert.acknowledged_at.is_(None),
            Clock.status == ClockStatus.OPEN.value,
        )
        .order_by(Alert.raised_at.desc(), Alert.id.desc())
        .limit(200)
    ).all()
    newest: dict[int, Waiting] = {}  # one line per clock: its latest repeat
    for alert, title, case_type, owner in rows:
        if alert.clock_id in newest:
            continue
        newest[alert.clock_id] = Waiting(
            alert_id=alert.id,
            case_id=alert.case_id,
            case_title=title,
            clock_kind=alert.clock_kind,
            clock_label=registry.workflow(case_type).clock_label(
                alert.clock_kind, alert.clock_kind
            ),
            owner=owner,
            due_at=alert.due_at,
            raised_at=alert.raised_at,
            repeat=alert.repeat,
        )
    return list(newest.values())
