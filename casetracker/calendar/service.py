"""The working-day calendar as the database and the package know it, and staff entry of a
new year's arrangement."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.calendar.days import DayInfo, describe, package_years
from casetracker.calendar.entry import parse_entry
from casetracker.calendar.models import CalendarDay, CalendarYear
from casetracker.core import clock


@dataclass(frozen=True)
class WorkCalendar:
    """A snapshot of the calendar: staff-entered days plus the package's years."""

    staff_days: dict[date, tuple[bool, str]]
    staff_years: frozenset[int]

    def day(self, day: date) -> DayInfo:
        return describe(day, self.staff_days, self.staff_years)

    def is_official(self, year: int) -> bool:
        return year in self.staff_years or year in package_years()


def load(*, session: Session) -> WorkCalendar:
    days = {row.day: (row.is_workday, row.name) for row in session.scalars(select(CalendarDay))}
    years = frozenset(session.scalars(select(CalendarYear.year)))
    return WorkCalendar(days, years)


def staff_arrangements(*, session: Session) -> list[tuple[CalendarYear, list[CalendarDay]]]:
    """Each staff-entered year with its days, newest year first."""
    days = list(session.scalars(select(CalendarDay).order_by(CalendarDay.day)))
    return [
        (year, [d for d in days if d.year == year.year])
        for year in session.scalars(select(CalendarYear).order_by(CalendarYear.year.desc()))
    ]


class Recompute(Protocol):
    """Recomputes the live clocks that a year's arrangement can move and says how many. The
    clocks belong to the cases domain, which passes its function in at the edge
    (`casetracker.cases.deadlines.recompute_for_year`): the calendar does not import cases."""

    def __call__(
        self, *, session: Session, calendar: WorkCalendar, year: int, now: datetime
    ) -> int: ...


@dataclass(frozen=True)
class YearSaved:
    year: int
    recomputed: int  # clocks recomputed


def enter_year_as_typed(
    *,
    session: Session,
    year: str | None,
    holidays: str,
    workdays: str,
    source: str,
    actor: User,
    recompute: Recompute,
) -> YearSaved:
    """Check an arrangement as an admin typed it (`calendar.entry`; Invalid with the lines at
    fault) and store it as `enter_year` does."""
    entry = parse_entry(year=year, holidays=holidays, workdays=workdays, source=source)
    recomputed = enter_year(
        session=session,
        year=entry.year,
        holidays=entry.holidays,
        workdays=entry.workdays,
        actor=actor,
        source=entry.source,
        recompute=recompute,
    )
    return YearSaved(entry.year, recomputed)


def enter_year(
    *,
    session: Session,
    year: int,
    holidays: list[tuple[date, str]],
    workdays: list[tuple[date, str]],
    actor: User,
    recompute: Recompute,
    source: str = "",
) -> int:
    """Store a year's arrangement (replacing an earlier entry) and have `recompute` redo
    every live clock it can move, in the same transaction; return how many it recomputed."""
    now = clock.now()
    before = [
        (d.isoformat(), w, n)
        for d, w, n in session.execute(
            select(CalendarDay.day, CalendarDay.is_workday, CalendarDay.name)
            .where(CalendarDay.year == year)
            .order_by(CalendarDay.day)
        )
    ]
    session.execute(delete(CalendarDay).where(CalendarDay.year == year))
    entry = session.get(CalendarYear, year)
    if entry is None:
        entry = CalendarYear(year=year)
        session.add(entry)
    entry.entered_by_id, entry.entered_at, entry.source = actor.id, now, source
    session.flush()
    session.add_all([CalendarDay(day=d, year=year, is_workday=False, name=n) for d, n in holidays])
    session.add_all([CalendarDay(day=d, year=year, is_workday=True, name=n) for d, n in workdays])
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="calendar.year_entered",
        subject_type="calendar_year",
        subject_id=year,
        before={"days": before},
        after={
            "source": source,
            "holidays": [(d.isoformat(), n) for d, n in holidays],
            "workdays": [(d.isoformat(), n) for d, n in workdays],
        },
    )
    return recompute(session=session, calendar=load(session=session), year=year, now=now)
