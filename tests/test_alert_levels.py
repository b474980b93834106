"""When each alert level is due (pure rules, table-tested): warnings ahead of the due time
(held through the quiet hours), overdue at it, escalations after it repeated every 24 h
until acknowledged; a clock first seen late raises each level once."""

from datetime import date, datetime, time, timedelta

import pytest

from casetracker.alerts.levels import QuietHours, Raise, decide, shift
from casetracker.alerts.models import Level
from casetracker.calendar.service import WorkCalendar
from casetracker.core.clock import CHINA_TZ
from casetracker.workflows import injury
from casetracker.workflows.engine import FOLLOW_UP_ALERTS, AlertSpec, hours, working_days

CALENDAR = WorkCalendar(staff_days={}, staff_years=frozenset())
QUIET = QuietHours.parse("22:00-07:30")
FILING = injury.WORKFLOW.alerts("filing_report")  # warn 4 h ahead, escalate 2 h after


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA_TZ)


def workday(day: date) -> bool:
    return CALENDAR.day(day).is_workday


def levels(spec: AlertSpec, due: str, progress: int, now: str, **kw: bool) -> list[Raise]:
    return list(
        decide(
            spec=spec,
            due_at=at(due),
            progress=progress,
            now=at(now),
            is_workday=workday,
            quiet=QUIET,
            **kw,
        ).raises
    )


WARN, OVER = Raise(Level.WARNING, 0), Raise(Level.OVERDUE, 0)


def E(n: int) -> Raise:  # noqa: N802 - reads like the level's name
    return Raise(Level.ESCALATION, n)


@pytest.mark.parametrize(
    ("progress", "now", "expected"),
    [
        (0, "2026-11-24 14:59", []),  # due 19:00: the warning is at 15:00
        (0, "2026-11-24 15:00", [WARN]),
        (1, "2026-11-24 18:59", []),
        (1, "2026-11-24 19:00", [OVER]),
        (2, "2026-11-24 20:59", []),
        (2, "2026-11-24 21:00", [E(0)]),
        (3, "2026-11-25 20:59", []),
        (3, "2026-11-25 21:00", [E(1)]),  # repeated every 24 h
        (4, "2026-11-26 21:00", [E(2)]),
        # recorded late: past warning, due time and three repeats: each level once
        (0, "2026-11-27 23:00", [OVER, E(3)]),  # in the quiet hours: no warning, overdue already
        (0, "2026-11-28 08:00", [WARN, OVER, E(3)]),
    ],
)
def test_a_filing_report_clock_raises_each_level_in_turn(
    progress: int, now: str, expected: list[Raise]
) -> None:
    assert levels(FILING, "2026-11-24 19:00", progress, now) == expected


def test_a_warning_due_in_the_quiet_hours_waits_for_their_end_and_overdue_does_not() -> None:
    # due 06:00: the warning (02:00) is held till 07:30; overdue at 06:00 is not held
    assert levels(FILING, "2026-11-24 06:00", 0, "2026-11-24 02:00") == []
    assert levels(FILING, "2026-11-24 06:00", 0, "2026-11-24 06:00") == [OVER]
    assert levels(FILING, "2026-11-24 06:00", 2, "2026-11-24 07:29") == []
    # overdue went out while the warning was held: the warning is moot and never sent
    assert levels(FILING, "2026-11-24 06:00", 2, "2026-11-24 07:30") == []
    assert levels(FILING, "2026-11-24 09:00", 0, "2026-11-24 07:30") == [WARN]
    found = decide(
        spec=FILING,
        due_at=at("2026-11-24 06:00"),
        progress=0,
        now=at("2026-11-24 02:00"),
        is_workday=workday,
        quiet=QUIET,
    )
    assert found.next_at == at("2026-11-24 06:00")  # the next thing: overdue


def test_an_acknowledged_escalation_is_not_repeated() -> None:
    assert levels(FILING, "2026-11-24 19:00", 3, "2026-11-26 21:00", acknowledged=True) == []


def test_working_day_offsets_step_over_weekends_and_holidays() -> None:
    spec = AlertSpec(warning=working_days(1), escalation=working_days(1))
    # due Monday 2026-10-12 17:00: one working day before is Saturday 10-10 (an adjusted
    # working day after National Day; Sunday is off); one after Friday 10-09 is that Saturday
    assert shift(at("2026-10-12 17:00"), working_days(1), workday, after=False) == at(
        "2026-10-10 17:00"
    )
    assert shift(at("2026-10-09 17:00"), working_days(1), workday, after=True) == at(
        "2026-10-10 17:00"
    )
    # due Thursday 2026-10-08, the first working day after the holiday: warned on 09-30
    assert shift(at("2026-10-08 17:00"), working_days(1), workday, after=False) == at(
        "2026-09-30 17:00"
    )
    assert spec.earliest_look(at("2026-10-08 17:00")) <= at("2026-09-30 17:00")


def test_a_follow_up_warns_at_nine_on_its_day() -> None:
    due = "2026-11-26 23:59"
    assert levels(FOLLOW_UP_ALERTS, due, 0, "2026-11-26 08:59") == []
    assert levels(FOLLOW_UP_ALERTS, due, 0, "2026-11-26 09:00") == [WARN]


@pytest.mark.parametrize(
    ("text", "moment", "end"),
    [
        ("22:00-07:30", "2026-11-24 23:00", "2026-11-25 07:30"),
        ("22:00-07:30", "2026-11-25 03:00", "2026-11-25 07:30"),
        ("22:00-07:30", "2026-11-25 07:30", None),
        ("22:00-07:30", "2026-11-25 21:59", None),
        ("12:00-13:30", "2026-11-25 12:10", "2026-11-25 13:30"),
    ],
)
def test_quiet_hours(text: str, moment: str, end: str | None) -> None:
    quiet = QuietHours.parse(text)
    assert quiet is not None
    assert quiet.end_after(at(moment)) == (at(end) if end else None)


def test_quiet_hours_off_and_invalid() -> None:
    assert QuietHours.parse("off") is None
    assert QuietHours.parse("") is None
    with pytest.raises(ValueError, match="soon"):
        QuietHours.parse("soon")


def test_every_injury_clock_declares_its_alerts() -> None:
    leads = {c.kind: c.alerts.warning for c in injury.CLOCKS}
    assert leads["filing_report"] == hours(4)
    assert leads["written_report"] == working_days(1)
    assert all(lead is not None for lead in leads.values())
    assert FOLLOW_UP_ALERTS.warning is not None
    assert FOLLOW_UP_ALERTS.warning.at == time(9, 0)
    assert timedelta(hours=FILING.repeat_hours) == timedelta(days=1)
