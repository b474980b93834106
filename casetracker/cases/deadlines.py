"""Deadline clocks: start, stop, pause, resume, cancel; follow-ups; explain; recompute.

The only writer of `Clock` rows: the engine's transitions, the contact log's follow-ups and
the calendar's recomputation all come here, and each call is given the time it acts at
(`at` / `now`) instead of reading the wall clock.

A clock's due time is computed once (and again only when the calendar changes) and kept in a
column, so finding what is due is one indexed query. Its explanation is stored beside it:
which rule set the length, what started it, and every day skipped or rolled over and why.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.calendar import service as calendar_service
from casetracker.calendar.periods import Period, Unit, compute
from casetracker.calendar.service import WorkCalendar
from casetracker.cases.models import Case, Clock, ClockStatus, ClockTerm
from casetracker.core.clock import CHINA_TZ
from casetracker.core.i18n import N_
from casetracker.workflows.engine import ClockAction, ClockOp, ClockSpec

LIVE = (ClockStatus.OPEN, ClockStatus.PAUSED)


@dataclass(frozen=True)
class Rule:
    """One candidate length for a clock and where it comes from."""

    source: str  # default / variant / region / client
    unit: Unit
    length: int
    basis: str


def candidate_rules(
    *, session: Session, case: Case, spec: ClockSpec, fields: dict[str, Any]
) -> list[Rule]:
    rules = [Rule("default", spec.unit, spec.length, spec.basis)]
    for field_name, length in spec.variants:
        if fields.get(field_name) is True:
            rules = [Rule("variant", spec.unit, length, spec.basis)]
    terms = session.scalars(
        select(ClockTerm)
        .where(
            ClockTerm.case_type == case.type,
            ClockTerm.kind == spec.kind,
            (ClockTerm.region_id == case.region_id) | (ClockTerm.client_id == case.client_id),
        )
        .order_by(ClockTerm.overrides.desc(), ClockTerm.id)
    )
    for term in terms:
        rule = Rule(
            "client" if term.client_id else "region", Unit(term.unit), term.length, term.basis
        )
        if term.overrides:  # the region's own regulation replaces the workflow's length
            rules = [rule]
        else:
            rules.append(rule)
    return rules


def _paused_span(clock_row: Clock) -> timedelta:
    return sum(
        (datetime.fromisoformat(b) - datetime.fromisoformat(a) for a, b in clock_row.pauses),
        timedelta(),
    )


def _decide(
    started_at: datetime, rules: list[Rule], calendar: WorkCalendar
) -> tuple[Rule, Period, list[tuple[Rule, Period]]]:
    """The stricter rule wins: the one whose period ends first."""
    computed = [(rule, compute(started_at, rule.unit, rule.length, calendar.day)) for rule in rules]
    winner, period = min(computed, key=lambda pair: pair[1].due_at)
    return winner, period, computed


def _explanation(rule: Rule, period: Period, computed: list[tuple[Rule, Period]]) -> dict[str, Any]:
    return {
        "rule": rule.source,
        "steps": [
            {"day": s.day.isoformat(), "action": s.action, "reason": s.reason} for s in period.steps
        ],
        "alternatives": [
            {
                "source": r.source,
                "unit": r.unit.value,
                "length": r.length,
                "basis": r.basis,
                "due_at": p.due_at.isoformat(),
            }
            for r, p in computed
            if r != rule
        ],
    }


def start_clock(
    *,
    session: Session,
    case: Case,
    spec: ClockSpec,
    started_at: datetime,
    start_event: str,
    fields: dict[str, Any],
    calendar: WorkCalendar,
) -> Clock:
    rules = candidate_rules(session=session, case=case, spec=spec, fields=fields)
    rule, period, computed = _decide(started_at, rules, calendar)
    row = Clock(
        case_id=case.id,
        kind=spec.kind,
        label=spec.label.zh,
        basis=rule.basis,
        unit=rule.unit,
        length=rule.length,
        started_at=started_at,
        start_event=start_event,
        due_at=period.due_at,
        status=ClockStatus.OPEN,
        pauses=[],
        provisional=period.provisional,
        explanation=_explanation(rule, period, computed),
    )
    row.explanation["rules"] = [vars(r) | {"unit": r.unit.value} for r in rules]
    session.add(row)
    case.clocks.append(row)
    return row


def _live(case: Case, kind: str) -> list[Clock]:
    return [c for c in case.clocks if c.kind == kind and c.status in LIVE]


def _finish(row: Clock, status: ClockStatus, at: datetime) -> None:
    if row.status == ClockStatus.PAUSED and row.paused_at is not None:
        row.pauses = [*row.pauses, [row.paused_at.isoformat(), at.isoformat()]]
        row.due_at += at - row.paused_at
        row.paused_at = None
    row.status, row.stopped_at = status, at


def apply(
    *,
    session: Session,
    case: Case,
    action: ClockAction,
    spec: ClockSpec,
    at: datetime,
    start_event: str,
    fields: dict[str, Any],
    calendar: WorkCalendar,
) -> None:
    """Carry out one declared clock action at the event time `at`."""
    if action.op is ClockOp.START:
        if _live(case, action.kind):  # already running (e.g. re-entering after a resume)
            return
        start_clock(
            session=session,
            case=case,
            spec=spec,
            started_at=at,
            start_event=start_event,
            fields=fields,
            calendar=calendar,
        )
        return
    for row in _live(case, action.kind):
        if action.op is ClockOp.STOP:
            _finish(row, ClockStatus.MET, at)
            if row.stopped_at is not None and row.stopped_at > row.due_at:
                row.status = ClockStatus.MISSED
        elif action.op is ClockOp.CANCEL:
            _finish(row, ClockStatus.CANCELLED, at)
        elif action.op is ClockOp.PAUSE and row.status == ClockStatus.OPEN:
            row.status, row.paused_at = ClockStatus.PAUSED, at
        elif action.op is ClockOp.RESUME and row.status == ClockStatus.PAUSED:
            assert row.paused_at is not None
            # Resuming moves the due time by exactly the paused span.
            row.due_at += at - row.paused_at
            row.pauses = [*row.pauses, [row.paused_at.isoformat(), at.isoformat()]]
            row.status, row.paused_at = ClockStatus.OPEN, None


# --- follow-ups: a date a person chose in the contact log, not a counted period -------------

FOLLOW_UP = "follow_up"
FOLLOW_UP_LABEL = N_("跟进")  # the label follow-up clocks are stored with


def meet_follow_ups(*, case: Case, at: datetime) -> None:
    """A contact logged at `at` is the follow-up an earlier one asked for: met, or missed
    when it came after the day."""
    for row in case.clocks:
        if row.kind == FOLLOW_UP and row.status == ClockStatus.OPEN:
            _finish(row, ClockStatus.MET if at <= row.due_at else ClockStatus.MISSED, at)


def start_follow_up(*, case: Case, on: date, at: datetime, start_event: str) -> Clock:
    """A follow-up due at the end of day `on` (China time), started by a contact at `at`."""
    row = Clock(
        case_id=case.id,
        kind=FOLLOW_UP,
        label=FOLLOW_UP_LABEL,
        basis="联系记录约定的跟进日期",
        unit=Unit.CALENDAR_DAYS,
        length=(on - at.astimezone(CHINA_TZ).date()).days,
        started_at=at,
        start_event=start_event,
        due_at=datetime.combine(on, time(23, 59, 59), tzinfo=CHINA_TZ),
        status=ClockStatus.OPEN,
        pauses=[],
        provisional=False,
        explanation={},
    )
    case.clocks.append(row)
    return row


def cancel_all(*, case: Case, at: datetime) -> None:
    for row in case.clocks:
        if row.status in LIVE:
            _finish(row, ClockStatus.CANCELLED, at)


def recompute_for_year(
    *, session: Session, calendar: WorkCalendar, year: int, now: datetime
) -> int:
    """Recompute every live clock the year's arrangement can move: those computed
    provisionally, and day-counted ones whose period runs into that year (an arrangement
    corrected later moves them too). Hour clocks never depend on the calendar."""
    first = datetime(year, 1, 1, tzinfo=CHINA_TZ)
    rows = list(
        session.scalars(
            select(Clock).where(
                Clock.status.in_([s.value for s in LIVE]),
                Clock.kind != FOLLOW_UP,  # a date someone chose, not a counted period
                Clock.provisional.is_(True)
                | (
                    (Clock.unit != Unit.HOURS.value)
                    & (Clock.due_at >= first)
                    & (Clock.started_at < first.replace(year=year + 1))
                ),
            )
        )
    )
    for row in rows:
        rules = [
            Rule(r["source"], Unit(r["unit"]), r["length"], r["basis"])
            for r in row.explanation.get("rules", [])
        ] or [Rule("default", Unit(row.unit), row.length, row.basis)]
        rule, period, computed = _decide(row.started_at, rules, calendar)
        row.due_at = period.due_at + _paused_span(row)
        row.unit, row.length, row.basis = rule.unit, rule.length, rule.basis
        row.provisional = period.provisional
        row.explanation = _explanation(rule, period, computed) | {
            "rules": row.explanation.get("rules", []),
            "recomputed_at": now.isoformat(),
        }
    session.flush()
    return len(rows)


def load_calendar(session: Session) -> WorkCalendar:
    return calendar_service.load(session=session)
