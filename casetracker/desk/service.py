"""What the home page (我的工作台) shows: the user's open cases, nearest deadline first, the
clients they look after and how many people are insured. Reads only."""

import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session, joinedload

from casetracker.auth.models import Role, User
from casetracker.cases import listing
from casetracker.cases.schemas import CaseSummaryOut, case_summary
from casetracker.people.models import Client, InsuredPerson

DESK_CASES = 50


@dataclass(frozen=True)
class Desk:
    cases: list[CaseSummaryOut]  # open cases, nearest open clock first, at most DESK_CASES
    my_clients: list[Client]
    counts: dict[int, int]  # client id → people insured today
    total_clients: int
    total_active: int  # people insured today, all clients


def _active(today: date) -> ColumnElement[bool]:
    return or_(InsuredPerson.leave_on.is_(None), InsuredPerson.leave_on >= today)


def open_cases(*, session: Session, user: User, now: datetime) -> list[CaseSummaryOut]:
    """A specialist's own open cases; a supervisor's desk is the team's: every open case."""
    owner_id = None if user.role == Role.SUPERVISOR else user.id
    cases = listing.list_cases(
        session=session,
        filters=listing.CaseFilter(owner_id=owner_id, open_only=True),
        now=now,
        offset=0,
        limit=DESK_CASES,
    )
    return [case_summary(case, user, now) for case in cases]


def my_clients(*, session: Session, user: User) -> list[Client]:
    return list(
        session.scalars(
            select(Client)
            .where(Client.owner_id == user.id)
            .options(joinedload(Client.default_region))
            .order_by(Client.name)
        )
    )


def active_counts(*, session: Session, today: date, client_ids: list[int]) -> dict[int, int]:
    """People insured today, per client id among `client_ids` (clients with none are
    absent); read from the (client_id, leave_on) index alone."""
    if not client_ids:
        return {}
    rows = session.execute(
        select(InsuredPerson.client_id, func.count())
        .where(InsuredPerson.client_id.in_(client_ids), _active(today))
        .group_by(InsuredPerson.client_id)
    ).all()
    return dict(rows)


@dataclass
class HeadCounts:
    """The company-wide head counts the desk's header shows (clients; people insured today),
    counted at most once every `seconds` per process: with 100,000 people, counting them on
    every view of every desk is the costliest thing the desk would do, and a header figure a
    minute old is as good. One instance lives on the app (`app.state.head_counts`)."""

    seconds: float = 60.0
    _last: tuple[date, float, int, int] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(self, *, session: Session, today: date) -> tuple[int, int]:
        with self._lock:
            last = self._last
        if last and last[0] == today and time.monotonic() - last[1] < self.seconds:
            return last[2], last[3]
        clients = session.scalar(select(func.count()).select_from(Client)) or 0
        active = (
            session.scalar(select(func.count()).select_from(InsuredPerson).where(_active(today)))
            or 0
        )
        with self._lock:
            self._last = (today, time.monotonic(), clients, active)
        return clients, active


def desk(
    *, session: Session, user: User, now: datetime, today: date, head_counts: HeadCounts
) -> Desk:
    mine = my_clients(session=session, user=user)
    total_clients, total_active = head_counts.get(session=session, today=today)
    return Desk(
        cases=open_cases(session=session, user=user, now=now),
        my_clients=mine,
        counts=active_counts(session=session, today=today, client_ids=[c.id for c in mine]),
        total_clients=total_clients,
        total_active=total_active,
    )
