"""The working-day calendar as the database and the package know it, and staff entry of a
new year's arrangement."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.calendar.days import DayInfo, describe, package_years
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


def enter_year(
    *,
    session: Session,
    year: int,
    holidays: list[tuple[date, str]],
    workdays: list[tuple[date, str]],
    actor: User,
    source: str = "",
) -> int:
    """Store a year's arrangement (replacing an earlier entry) and recompute every live clock
    it can move; return how many clocks were recomputed."""
    from casetracker.cases import deadlines  # cases depend on calendar

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
    entry.entered_by_id, entry.entered_at, entry.source = actor.id, clock.now(), source
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
    return deadlines.recompute_for_year(session=session, calendar=load(session=session), year=year)
