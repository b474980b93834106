"""Properties of the engine, checked on many generated cases (hypothesis)."""

from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from casetracker.auth.models import Role, User
from casetracker.calendar import service as calendar_service
from casetracker.calendar.periods import Unit, compute
from casetracker.cases import deadlines, registry, timeline
from casetracker.cases import service as case_service
from casetracker.cases.models import Case, Clock, ClockStatus
from casetracker.core.clock import CHINA_TZ
from casetracker.core.errors import DomainError
from casetracker.injury.models import InjuryDetails
from casetracker.workflows.engine import ClockAction, ClockOp, FieldType, TransitionSpec
from tests.conftest import NOW, World, complete_materials, make_user, open_injury

WORKFLOW = registry.workflow("injury")
NAMES = [t.name for t in WORKFLOW.transitions]
FIXTURES_OK = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _values(spec: TransitionSpec, day: date) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for field in spec.fields:
        values[field.name] = {
            FieldType.DATE: day.isoformat(),
            FieldType.DATETIME: f"{day.isoformat()}T09:00:00+08:00",
            FieldType.BOOL: True,
            FieldType.TEXT: "原因",
            FieldType.LIST: ["劳动合同"],
            FieldType.INTEGER: field.maximum if field.maximum is not None else 1,
            FieldType.MONEY: "100.00",
        }[field.type]
    return values


@pytest.fixture
def people(session: Session, anna: User, sam: User, ada: User) -> dict[str, User]:
    """The owner, another specialist, a supervisor and an admin."""
    bob = make_user(session, "bob", Role.SPECIALIST, "鲍勃")
    return {"owner": anna, "other specialist": bob, "supervisor": sam, "admin": ada}


@FIXTURES_OK
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(NAMES),
            st.sampled_from(["owner", "other specialist", "supervisor", "admin"]),
            st.booleans(),
        ),
        max_size=12,
    )
)
def test_no_sequence_leaves_the_definition(
    session: Session, world: World, people: dict[str, User], steps: list[tuple[str, str, bool]]
) -> None:
    """Whatever is tried, by whomever, only declared transitions fire, and a refused one
    changes neither state nor version."""
    case = open_injury(session, world, people["owner"], "2026-11-02T09:00")
    session.add(  # the accident's record, as every intake makes it (the paid leave joins it)
        InjuryDetails(
            case_id=case.id,
            accident_at=datetime(2026, 11, 2, 9, 0, tzinfo=CHINA_TZ),
            place="车间",
            description="扭伤",
        )
    )
    complete_materials(session, case, people["owner"])  # the guard is tested on its own
    states = {s.name for s in WORKFLOW.states}
    day = date(2026, 11, 3)
    for name, who, with_fields in steps:
        spec = WORKFLOW.transition(name)
        assert spec is not None
        actor = people[who]
        before = (case.state, case.version)
        should_fire = (
            case.state in spec.sources
            and actor.role in spec.roles
            and who != "other specialist"
            and (with_fields or not [f for f in spec.fields if f.required])
        )
        try:
            case_service.fire(
                session=session,
                case=case,
                transition=name,
                version=case.version,
                raw_fields=_values(spec, day) if with_fields else {},
                actor=actor,
                now=NOW,
            )
        except DomainError:
            assert not should_fire, f"{name} from {before[0]} by {who} was refused"
            assert (case.state, case.version) == before
        else:
            assert should_fire, f"{name} from {before[0]} by {who} fired"
            assert case.state == spec.target
            assert case.version == before[1] + 1
        assert case.state in states
        # The case's next_due_at is always its earliest open clock (the lists order by it).
        assert case.next_due_at == min(
            (c.due_at for c in case.clocks if c.status == ClockStatus.OPEN), default=None
        )
        day = min(day + timedelta(days=1), date(2026, 11, 24))
    # Replaying the timeline (what a correction does) agrees with the clocks as they ran.
    replayed = deadlines.replay(
        session=session,
        case=case,
        workflow=WORKFLOW,
        events=timeline.clock_events(WORKFLOW, case.transitions),
        calendar=_calendar(session),
        now=NOW,
        because={"what": "test"},
    )
    assert replayed == []
    session.rollback()


def _paused_clock(
    session: Session,
    case: Case,
    kind: str,
    started: datetime,
    pause_at: datetime,
    resume_at: datetime,
) -> Clock:
    calendar = calendar_service.load(session=session)
    spec = WORKFLOW.clock(kind)
    deadlines.apply(
        session=session,
        case=case,
        action=ClockAction(ClockOp.START, spec.kind),
        spec=spec,
        at=started,
        start_event="受理",
        fields={},
        calendar=calendar,
    )
    row = next(c for c in case.clocks if c.kind == spec.kind)
    for op, at in ((ClockOp.PAUSE, pause_at), (ClockOp.RESUME, resume_at)):
        deadlines.apply(
            session=session,
            case=case,
            action=ClockAction(op, spec.kind),
            spec=spec,
            at=at,
            start_event="",
            fields={},
            calendar=calendar,
        )
    assert row.status == ClockStatus.OPEN
    return row


@FIXTURES_OK
@given(paused_after=st.integers(0, 50 * 24 * 60), paused_for=st.integers(0, 90 * 24 * 60))
def test_a_resumed_day_period_is_counted_again_never_shifted(
    session: Session, world: World, anna: User, paused_after: int, paused_for: int
) -> None:
    """The unrolled last day moves by the whole days suspended, then rolls to a working
    day: a resumed decision clock never ends on a rest day or holiday, and one pushed into
    a year without an arrangement is provisional."""
    case = open_injury(session, world, anna, "2026-09-01T09:00")
    started = datetime(2026, 9, 2, 10, 0, tzinfo=CHINA_TZ)
    pause_at = started + timedelta(minutes=paused_after)
    resume_at = pause_at + timedelta(minutes=paused_for)
    row = _paused_clock(session, case, "recognition_decision", started, pause_at, resume_at)
    calendar = calendar_service.load(session=session)
    suspended = (resume_at.date() - pause_at.date()).days
    earliest = date(2026, 9, 2) + timedelta(days=60 + suspended)
    due_day = row.due_at.astimezone(CHINA_TZ).date()
    assert row.due_at.astimezone(CHINA_TZ).time() == time(23, 59, 59)
    assert due_day >= earliest
    assert calendar.day(due_day).is_workday
    assert all(
        not calendar.day(earliest + timedelta(days=n)).is_workday
        for n in range((due_day - earliest).days)
    )
    assert row.provisional == any(
        not calendar.day(earliest + timedelta(days=n)).official
        for n in range((due_day - earliest).days + 1)
    )
    session.rollback()


@FIXTURES_OK
@given(paused_after=st.integers(0, 23 * 60), paused_for=st.integers(0, 90 * 24 * 60))
def test_a_resumed_hour_period_moves_by_exactly_the_time_suspended(
    session: Session, world: World, anna: User, paused_after: int, paused_for: int
) -> None:
    case = open_injury(session, world, anna, "2026-09-01T09:00")
    started = datetime(2026, 9, 1, 9, 0, tzinfo=CHINA_TZ)  # the opening started it
    pause_at = started + timedelta(minutes=paused_after)
    resume_at = pause_at + timedelta(minutes=paused_for)
    row = _paused_clock(session, case, "filing_report", started, pause_at, resume_at)
    assert row.due_at == started + timedelta(hours=24, minutes=paused_for)
    session.rollback()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.datetimes(min_value=datetime(2004, 1, 1), max_value=datetime(2027, 12, 31)),
    unit=st.sampled_from([Unit.CALENDAR_DAYS, Unit.WORKING_DAYS, Unit.MONTHS]),
    length=st.integers(1, 400),
)
def test_every_day_period_ends_on_a_working_day(
    session: Session, start: datetime, unit: Unit, length: int
) -> None:
    if unit is Unit.MONTHS:
        length = length % 24 + 1
    calendar = _calendar(session)
    period = compute(start.replace(tzinfo=CHINA_TZ), unit, length, calendar.day)
    last_day = period.due_at.astimezone(CHINA_TZ)
    assert (last_day.hour, last_day.minute, last_day.second) == (23, 59, 59)
    assert calendar.day(last_day.date()).is_workday
    assert last_day.date() > start.date()


_CALENDARS: dict[int, calendar_service.WorkCalendar] = {}


def _calendar(session: Session) -> calendar_service.WorkCalendar:
    return _CALENDARS.setdefault(0, calendar_service.load(session=session))


def test_every_workflow_definition_is_consistent() -> None:
    from casetracker.workflows.engine import definition_problems

    for workflow in registry.workflows().values():
        assert definition_problems(workflow) == []


def test_supervisor_role_in_property_test_is_not_the_owner() -> None:
    """The generated supervisor acts on anna's case as someone else: allowed by role."""
    case = Case(owner_id=1)
    supervisor = User(id=2, username="s", role=Role.SUPERVISOR)
    assert case_service.may_fire(WORKFLOW, case, supervisor)
