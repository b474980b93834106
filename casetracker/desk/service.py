"""What the home page (我的工作台) shows: the user's open cases, nearest deadline first, the
clients they look after and how many people are insured. Reads only."""

import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import Session

from casetracker.auth.models import Role, User
from casetracker.cases import listing
from casetracker.cases.schemas import CaseSummaryOut, case_summaries
from casetracker.people.models import Client, InsuredPerson, Region

DESK_CASES = 50


@dataclass(frozen=True)
class MyClient:
    id: int
    name: str
    region: str  # its default region's name


@dataclass(frozen=True)
class Desk:
    cases: list[CaseSummaryOut]  # open cases, nearest open clock first, at most DESK_CASES
    my_clients: list[MyClient]
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
        shown_only=True,
    )
    return case_summaries(cases, user, now)


def my_clients(*, session: Session, user: User) -> list[MyClient]:
    """The clients the user looks after, as plain rows (the desk shows three columns of
    each; loading them as ORM objects with their regions cost the desk a fourteenth of its
    time)."""
    return [
        MyClient(id_, name, region)
        for id_, name, region in session.execute(
            select(Client.id, Client.name, Region.name)
            .join(Region, Region.id == Client.default_region_id)
            .where(Client.owner_id == user.id)
            .order_by(Client.name)
        )
    ]


@dataclass(frozen=True)
class Counts:
    clients: int  # clients in all
    active: int  # people insured today, in all
    by_client: dict[int, int]  # client id → people insured today (absent: none)


@dataclass
class HeadCounts:
    """The head counts the desk shows (clients; people insured today, in all and per client),
    counted at most once every `seconds` per process, in one pass over the (client_id,
    leave_on) index: with 100,000 people, counting on every view of every desk would be the
    costliest thing the desk does, and a figure a minute old is as good. One instance lives
    on the app (`app.state.head_counts`)."""

    seconds: float = 60.0
    _last: tuple[date, float, Counts] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(self, *, session: Session, today: date) -> Counts:
        with self._lock:
            last = self._last
        if last and last[0] == today and time.monotonic() - last[1] < self.seconds:
            return last[2]
        by_client: dict[int, int] = {
            row[0]: row[1]
            for row in session.execute(
                select(InsuredPerson.client_id, func.count())
                .where(_active(today))
                .group_by(InsuredPerson.client_id)
            )
        }
        counts = Counts(
            clients=session.scalar(select(func.count()).select_from(Client)) or 0,
            active=sum(by_client.values()),
            by_client=by_client,
        )
        with self._lock:
            self._last = (today, time.monotonic(), counts)
        return counts


def desk(
    *, session: Session, user: User, now: datetime, today: date, head_counts: HeadCounts
) -> Desk:
    counts = head_counts.get(session=session, today=today)
    return Desk(
        cases=open_cases(session=session, user=user, now=now),
        my_clients=my_clients(session=session, user=user),
        counts=counts.by_client,
        total_clients=counts.clients,
        total_active=counts.active,
    )
