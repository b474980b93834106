"""The working-day calendar and the legal counting rule, on each database backend."""

from datetime import date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.calendar import service as calendar_service
from casetracker.calendar.days import package_years
from casetracker.calendar.entry import parse_entry
from casetracker.calendar.periods import Unit, compute
from casetracker.cases import deadlines
from casetracker.core.clock import CHINA_TZ
from casetracker.core.errors import Invalid
from casetracker.workflows.engine import ClockSpec, Label
from tests.conftest import World, open_injury, page_csrf

UNKNOWN_YEAR = max(package_years()) + 1  # 2027 while chinese-calendar knows up to 2026


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA_TZ)


def due(session: Session, start: str, unit: Unit, length: int) -> tuple[str, bool, list[str]]:
    period = compute(at(start), unit, length, calendar_service.load(session=session).day)
    return (
        period.due_at.isoformat(),
        period.provisional,
        [f"{s.day.isoformat()} {s.action} {s.reason}" for s in period.steps],
    )


@pytest.mark.parametrize(
    ("start", "unit", "length", "expected"),
    [
        # DOMAIN.md's example: 30 days from Fri 2026-11-20 end on Sun 12-20, so Mon 12-21.
        ("2026-11-20T22:30", Unit.CALENDAR_DAYS, 30, "2026-12-21T23:59:59+08:00"),
        # Ends inside the National Day holiday (10-01..10-07): rolls to Thu 10-08.
        ("2026-09-03T10:00", Unit.CALENDAR_DAYS, 30, "2026-10-08T23:59:59+08:00"),
        # Ends on Sat 2026-02-14, a 调休 workday: does not roll.
        ("2026-01-15T09:00", Unit.CALENDAR_DAYS, 30, "2026-02-14T23:59:59+08:00"),
        # 5 working days from Fri 02-13: Sat 02-14 (调休) counts, 02-15..02-23 are skipped.
        ("2026-02-13T16:00", Unit.WORKING_DAYS, 5, "2026-02-27T23:59:59+08:00"),
        # Hours run on the clock, nights and weekends included.
        ("2026-11-20T22:30", Unit.HOURS, 24, "2026-11-21T22:30:00+08:00"),
        # Months: same-numbered day; 6 months from 2026-08-31 ends 2027-02-28 (no 02-31).
        ("2026-03-31T09:00", Unit.MONTHS, 1, "2026-04-30T23:59:59+08:00"),
    ],
)
def test_periods_follow_the_counting_rule(
    session: Session, start: str, unit: Unit, length: int, expected: str
) -> None:
    assert due(session, start, unit, length)[0] == expected


def test_the_explanation_names_each_rolled_and_skipped_day(session: Session) -> None:
    _, _, rolled = due(session, "2026-09-03T10:00", Unit.CALENDAR_DAYS, 30)
    assert rolled == [f"2026-10-0{d} rolled 国庆节" for d in range(3, 8)]
    _, _, skipped = due(session, "2026-02-13T16:00", Unit.WORKING_DAYS, 5)
    assert skipped[0] == "2026-02-15 skipped 春节"
    assert len(skipped) == 9
    _, _, sunday = due(session, "2026-11-20T22:30", Unit.CALENDAR_DAYS, 30)
    assert sunday == ["2026-12-20 rolled 周日"]


def test_a_period_ending_in_an_unknown_year_is_provisional(session: Session) -> None:
    assert UNKNOWN_YEAR == 2027, "update this test when chinese-calendar learns 2027"
    text, provisional, _ = due(session, "2026-12-02T09:00", Unit.CALENDAR_DAYS, 30)
    assert provisional is True
    # 2027-01-01 is 元旦 by holidays.CN's statutory list; Sat/Sun follow: Mon 01-04.
    assert text == "2027-01-04T23:59:59+08:00"
    assert not due(session, "2026-11-02T09:00", Unit.CALENDAR_DAYS, 30)[1]


def test_staff_entering_a_year_makes_it_official(session: Session, ada: User) -> None:
    calendar_service.enter_year(
        session=session,
        recompute=deadlines.recompute_for_year,
        year=UNKNOWN_YEAR,
        actor=ada,
        source="测试",
        holidays=[(date(UNKNOWN_YEAR, 1, d), "元旦") for d in (1, 2, 3, 4)],
        workdays=[(date(UNKNOWN_YEAR, 1, 9), "元旦")],
    )
    text, provisional, steps = due(session, "2026-12-02T09:00", Unit.CALENDAR_DAYS, 30)
    assert (text, provisional) == ("2027-01-05T23:59:59+08:00", False)
    assert steps[-1] == "2027-01-04 rolled 元旦"
    # Sat 2027-01-09 is now a 调休 workday and counts.
    assert due(session, "2027-01-07T09:00", Unit.WORKING_DAYS, 2)[0] == "2027-01-09T23:59:59+08:00"


def test_the_admin_page_enters_a_year_with_line_numbered_errors(
    as_ada: TestClient, session: Session
) -> None:
    bad = as_ada.post(
        "/admin/calendar",
        data={
            "year": str(UNKNOWN_YEAR),
            "holidays": f"{UNKNOWN_YEAR}-01-01 元旦\n2027-13-01 错",
            "workdays": "",
            "csrf_token": page_csrf(as_ada, "/admin/calendar"),
        },
    )
    assert bad.status_code == 422
    assert "放假日期第 2 行" in bad.text
    assert not calendar_service.load(session=session).is_official(UNKNOWN_YEAR)
    good = as_ada.post(
        "/admin/calendar",
        data={
            "year": str(UNKNOWN_YEAR),
            "source": "国办发明电",
            "holidays": f"{UNKNOWN_YEAR}-01-01~{UNKNOWN_YEAR}-01-03 元旦",
            "workdays": "",
            "csrf_token": page_csrf(as_ada, "/admin/calendar"),
        },
    )
    assert good.status_code == 303
    assert calendar_service.load(session=session).is_official(UNKNOWN_YEAR)


def test_specialists_cannot_enter_calendars(as_anna: TestClient) -> None:
    assert as_anna.get("/admin/calendar").status_code == 403


def test_a_provisional_clock_is_recomputed_when_the_year_is_entered(
    session: Session, world: World, anna: User, ada: User
) -> None:
    case = open_injury(session, world, anna, "2026-11-20T09:00")
    spec = ClockSpec("probe", Label("测试", "probe"), Unit.CALENDAR_DAYS, 45, "测试依据")
    row = deadlines.start_clock(
        session=session,
        case=case,
        spec=spec,
        started_at=at("2026-11-24T10:00"),
        start_event="测试",
        fields={},
        calendar=calendar_service.load(session=session),
    )
    session.commit()
    assert row.due_at.astimezone(CHINA_TZ).isoformat() == "2027-01-08T23:59:59+08:00"
    assert row.provisional is True
    recomputed = calendar_service.enter_year(
        session=session,
        recompute=deadlines.recompute_for_year,
        year=UNKNOWN_YEAR,
        actor=ada,
        holidays=[(date(UNKNOWN_YEAR, 1, 1), "元旦"), (date(UNKNOWN_YEAR, 1, 8), "测试假日")],
        workdays=[],
    )
    session.commit()
    assert recomputed == 1
    session.refresh(row)
    assert row.provisional is False
    assert row.due_at.astimezone(CHINA_TZ).isoformat() == "2027-01-11T23:59:59+08:00"
    assert [s["reason"] for s in row.explanation["steps"]] == ["测试假日", "周六", "周日"]


def test_correcting_an_entered_year_moves_the_clocks_it_touches(
    session: Session, world: World, anna: User, ada: User
) -> None:
    calendar_service.enter_year(
        session=session,
        recompute=deadlines.recompute_for_year,
        year=UNKNOWN_YEAR,
        actor=ada,
        holidays=[(date(UNKNOWN_YEAR, 1, 1), "元旦")],
        workdays=[],
    )
    case = open_injury(session, world, anna, "2026-11-20T09:00")
    spec = ClockSpec("probe", Label("测试", "probe"), Unit.CALENDAR_DAYS, 45, "测试依据")
    row = deadlines.start_clock(
        session=session,
        case=case,
        spec=spec,
        started_at=at("2026-11-24T10:00"),
        start_event="测试",
        fields={},
        calendar=calendar_service.load(session=session),
    )
    session.commit()
    assert row.provisional is False
    assert row.due_at.astimezone(CHINA_TZ).date() == date(2027, 1, 8)
    calendar_service.enter_year(
        session=session,
        recompute=deadlines.recompute_for_year,
        year=UNKNOWN_YEAR,
        actor=ada,
        holidays=[(date(UNKNOWN_YEAR, 1, 1), "元旦"), (date(UNKNOWN_YEAR, 1, 8), "补录假日")],
        workdays=[],
    )
    session.commit()
    session.refresh(row)
    assert row.due_at.astimezone(CHINA_TZ).date() == date(2027, 1, 11)


def test_a_weekday_cannot_be_a_weekend_workday(as_ada: TestClient, session: Session) -> None:
    response = as_ada.post(
        "/admin/calendar",
        data={
            "year": str(UNKNOWN_YEAR),
            "holidays": f"{UNKNOWN_YEAR}-02-06~{UNKNOWN_YEAR}-02-12 春节",
            "workdays": f"{UNKNOWN_YEAR}-02-03 春节",
            "csrf_token": page_csrf(as_ada, "/admin/calendar"),
        },
    )
    assert response.status_code == 422
    assert "调休上班日期应为周六或周日" in response.text
    saved = as_ada.post(
        "/admin/calendar",
        data={
            "year": str(UNKNOWN_YEAR),
            "holidays": f"{UNKNOWN_YEAR}-02-06~{UNKNOWN_YEAR}-02-12 春节",
            "workdays": f"{UNKNOWN_YEAR}-02-20 春节",
            "csrf_token": page_csrf(as_ada, "/admin/calendar"),
        },
    )
    assert saved.status_code == 303
    page = as_ada.get("/admin/calendar").text
    assert f"{UNKNOWN_YEAR}-02-20" in page
    assert "上班" in page


@pytest.mark.parametrize(
    ("year", "holidays", "workdays", "message"),
    [
        ("１９９９", "2027-01-01 元旦", "", "年份应为 2000–2100 之间的整数"),
        ("2101", "2101-01-01 元旦", "", "年份应为 2000–2100 之间的整数"),
        ("2027", "", "", "请至少录入一个放假日期"),
        ("2027", "\n2027-01-01\n", "", "放假日期第 2 行：缺少节日名称"),
        (
            "2027",
            "2026-12-31~2027-01-01 元旦",
            "",
            "放假日期第 1 行：日期应在 2027 年内且起止顺序正确",
        ),
        ("2027", "2027-01-01 元旦", "2027/01/09 元旦", "调休上班日期第 1 行：日期应写成"),
        ("2027", "2027-01-01~2027-01-03 元旦", "2027-01-02 元旦", "2027-01-02 不能既放假又上班"),
    ],
)
def test_an_entry_as_typed_is_refused_with_the_reason(
    year: str, holidays: str, workdays: str, message: str
) -> None:
    with pytest.raises(Invalid) as refused:
        parse_entry(year=year, holidays=holidays, workdays=workdays, source="")
    assert message in refused.value.message


def test_an_entry_as_typed_becomes_days_and_the_caller_recomputes(
    session: Session, ada: User
) -> None:
    entry = parse_entry(
        year=" 2027 ",
        holidays="2027-10-01～2027-10-03 国庆节\n\n2027-05-01 劳动节",
        workdays="2027-09-26 国庆节",
        source=" 国办发明电 " + "长" * 300,
    )
    assert entry.year == 2027
    assert [d.isoformat() for d, _n in entry.holidays] == [
        "2027-10-01",
        "2027-10-02",
        "2027-10-03",
        "2027-05-01",
    ]
    assert entry.workdays == [(date(2027, 9, 26), "国庆节")]
    assert entry.source.startswith("国办发明电")
    assert len(entry.source) == 200
    asked: list[int] = []

    def recompute(
        *, session: Session, calendar: calendar_service.WorkCalendar, year: int, now: datetime
    ) -> int:
        asked.append(year)
        assert calendar.is_official(year)  # it sees the year just stored
        return 7

    saved = calendar_service.enter_year_as_typed(
        session=session,
        year="2027",
        holidays="2027-01-01 元旦",
        workdays="",
        source="",
        actor=ada,
        recompute=recompute,
    )
    assert (saved.year, saved.recomputed, asked) == (2027, 7, [2027])
