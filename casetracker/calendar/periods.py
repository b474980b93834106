"""The one place periods are counted (民法典 arts. 201–203, as DOMAIN.md states them).

- Hours run on the clock: weekends and nights included.
- Days, working days and months: the start day is not counted; a month period ends on the
  same-numbered day (or the month's last day); a last day that is a rest day or holiday
  rolls to the next working day; the period ends at 24:00 of its last day, stored as
  23:59:59 Asia/Shanghai.
- Suspension (中止): the suspended days are not counted. An hour period moves by exactly
  the time suspended; a day period's unrolled last day moves by the whole days suspended
  (`resumed_on − suspended_on` for each pause), and only then is it rolled to a working
  day — so a resumed period, like any other, never ends on a rest day or holiday, and one
  pushed into a year whose arrangement is unknown is provisional.
"""

import calendar as month_calendar
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from casetracker.calendar.days import DayInfo
from casetracker.core.clock import CHINA_TZ
from casetracker.core.i18n import N_

END_OF_DAY = time(23, 59, 59)


class Unit(enum.StrEnum):
    HOURS = "hours"
    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"
    MONTHS = "months"


UNIT_LABELS = {
    Unit.HOURS: N_("小时"),
    Unit.CALENDAR_DAYS: N_("日"),
    Unit.WORKING_DAYS: N_("个工作日"),
    Unit.MONTHS: N_("个月"),
}


@dataclass(frozen=True)
class Step:
    """A day the count passed over (`skipped`) or rolled past at the end (`rolled`); with
    suspensions, the unrolled last day before them (`last_day`) and the day they moved it
    to (`extended`, `reason` holding the number of days suspended)."""

    day: date
    action: str
    reason: str


@dataclass(frozen=True)
class Period:
    due_at: datetime
    provisional: bool
    steps: tuple[Step, ...]


Classify = Callable[[date], DayInfo]


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, END_OF_DAY, tzinfo=CHINA_TZ)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


Pause = tuple[datetime, datetime]  # suspended from, resumed at


def suspended_days(pauses: Sequence[Pause]) -> int:
    """Whole days suspended: the calendar days from each suspension to its resumption."""
    return sum(
        ((end.astimezone(CHINA_TZ).date() - begin.astimezone(CHINA_TZ).date()).days)
        for begin, end in pauses
    )


def compute(
    start_at: datetime,
    unit: Unit,
    length: int,
    classify: Classify,
    pauses: Sequence[Pause] = (),
) -> Period:
    """When a period of `length` `unit`s started at `start_at` ends, and why; `pauses` are
    the spans it was suspended, which are not counted."""
    if unit is Unit.HOURS:
        suspended = sum((end - begin for begin, end in pauses), timedelta())
        return Period(start_at + timedelta(hours=length) + suspended, False, ())
    start_day = start_at.astimezone(CHINA_TZ).date()
    steps: list[Step] = []
    provisional = False
    if unit is Unit.WORKING_DAYS:
        day, counted = start_day, 0
        while counted < length:
            day += timedelta(days=1)
            info = classify(day)
            provisional |= not info.official
            if info.is_workday:
                counted += 1
            else:
                steps.append(Step(day, "skipped", info.reason))
    elif unit is Unit.CALENDAR_DAYS:
        day = start_day + timedelta(days=length)
    else:
        day = add_months(start_day, length)
    if pauses:
        days = suspended_days(pauses)
        steps.append(Step(day, "last_day", ""))
        day += timedelta(days=days)
        steps.append(Step(day, "extended", str(days)))
    info = classify(day)
    provisional |= not info.official
    while not info.is_workday:
        steps.append(Step(day, "rolled", info.reason))
        day += timedelta(days=1)
        info = classify(day)
        provisional |= not info.official
    return Period(end_of_day(day), provisional, tuple(steps))
