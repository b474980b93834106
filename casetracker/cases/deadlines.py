"""Deadline clocks: start, stop, pause, resume, cancel; follow-ups; explain; recompute.

The only writer of `Clock` rows: the engine's transitions, the contact log's follow-ups and
the calendar's recomputation all come here, and each call is given the time it acts at
(`at` / `now`) instead of reading the wall clock.

A clock's due time is computed once (and again only when the calendar changes) and kept in a
column, so finding what is due is one indexed query. Its explanation is stored beside it:
which rule set the length, what started it, and every day skipped or rolled over and why.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from casetracker.calendar import service as calendar_service
from casetracker.calendar.periods import Pause, Period, Unit, compute
from casetracker.calendar.service import WorkCalendar
from casetracker.cases import registry
from casetracker.cases.models import Case, Clock, ClockStatus, ClockTerm
from casetracker.core.clock import CHINA_TZ
from casetracker.core.i18n import N_
from casetracker.workflows.engine import ClockAction, ClockOp, ClockSpec, Workflow

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
    if spec.length_rule is not None:  # the case type works it out (a region's cut-off day)
        length, basis = registry.get(case.type).length_rules[spec.length_rule](session, case)
        rules = [Rule("region", spec.unit, length, basis)]
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


def _pauses(row: Clock) -> list[Pause]:
    return [(datetime.fromisoformat(a), datetime.fromisoformat(b)) for a, b in row.pauses]


def _decide(
    started_at: datetime, rules: list[Rule], calendar: WorkCalendar, pauses: list[Pause]
) -> tuple[Rule, Period, list[tuple[Rule, Period]]]:
    """The stricter rule wins: the one whose period ends first."""
    computed = [
        (rule, compute(started_at, rule.unit, rule.length, calendar.day, pauses)) for rule in rules
    ]
    winner, period = min(computed, key=lambda pair: pair[1].due_at)
    return winner, period, computed


def _rules_of(row: Clock) -> list[Rule]:
    return [
        Rule(r["source"], Unit(r["unit"]), r["length"], r["basis"])
        for r in row.explanation.get("rules", [])
    ] or [Rule("default", Unit(row.unit), row.length, row.basis)]


def _recount(row: Clock, calendar: WorkCalendar) -> None:
    """Count the clock's period again from its start, its rules and its pauses, through the
    one counting function: a resumption, a calendar entered or corrected, all come here."""
    rules = _rules_of(row)
    rule, period, computed = _decide(row.started_at, rules, calendar, _pauses(row))
    row.due_at = period.due_at
    row.unit, row.length, row.basis = rule.unit, rule.length, rule.basis
    row.provisional = period.provisional
    row.explanation = _explanation(rule, period, computed) | {
        "rules": row.explanation.get("rules", []),
        "recomputed": row.explanation.get("recomputed", []),
    }


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
    rows: list[Clock] | None = None,
) -> Clock:
    """A new clock on `rows` (the case's clocks unless a replay passes its own list)."""
    rules = candidate_rules(session=session, case=case, spec=spec, fields=fields)
    rule, period, computed = _decide(started_at, rules, calendar, [])
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
        status=ClockStatus.REMINDER if spec.reminder else ClockStatus.OPEN,
        pauses=[],
        provisional=period.provisional,
        explanation=_explanation(rule, period, computed),
    )
    row.explanation["rules"] = [vars(r) | {"unit": r.unit.value} for r in rules]
    if rows is None:
        session.add(row)
        case.clocks.append(row)
    else:
        rows.append(row)
    return row


def sync_next_due(case: Case) -> None:
    """Keep the case's `next_due_at` (the earliest due time of its open clocks) in step with
    its clocks; every function here that changes a clock ends with it. Each open clock is
    also put in the alert scan's way again from the earliest moment an alert of it could be
    due (the scan then works out the exact moments); a stopped or paused one raises none."""
    case.next_due_at = min(
        (c.due_at for c in case.clocks if c.status == ClockStatus.OPEN), default=None
    )
    workflow = registry.workflow(case.type)
    for row in case.clocks:
        row.next_alert_at = (
            workflow.alerts(row.kind).earliest_look(row.due_at)
            if row.status == ClockStatus.OPEN
            else None
        )


def alerts_raised(
    *, session: Session, clock_id: int, progress: int, next_at: datetime | None
) -> None:
    """The alert scan's note on a clock: the levels raised so far and when to look again
    (the alerts write no clock row themselves). Only while the clock is still open: one
    stopped meanwhile is not put back in the scan's way."""
    session.execute(
        update(Clock)
        .where(Clock.id == clock_id, Clock.status == ClockStatus.OPEN.value)
        .values(alert_level=progress, next_alert_at=next_at)
        .execution_options(synchronize_session=False)
    )


def _from_field(fields: dict[str, Any], name: str | None) -> datetime | None:
    """The start a transition's date field gives a clock: that day's 00:00, China time (a
    field read back from the timeline arrives as its ISO text)."""
    value = fields.get(name) if name else None
    if isinstance(value, str) and value:
        value = (datetime if "T" in value else date).fromisoformat(value)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=CHINA_TZ)
    return None


def _live(rows: list[Clock], kind: str) -> list[Clock]:
    return [c for c in rows if c.kind == kind and c.status in LIVE]


def _finish(
    row: Clock, status: ClockStatus, at: datetime, calendar: WorkCalendar | None = None
) -> None:
    """Stop a clock; one stopped while paused ends its pause first (and, given the calendar,
    is counted again so met or missed is judged against its resumed period)."""
    if row.status == ClockStatus.PAUSED and row.paused_at is not None:
        row.pauses = [*row.pauses, [row.paused_at.isoformat(), at.isoformat()]]
        row.paused_at = None
        if calendar is not None and row.kind != FOLLOW_UP:
            _recount(row, calendar)
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
    rows: list[Clock] | None = None,
) -> None:
    """Carry out one declared clock action at the event time `at` on the case's clocks (or
    on a replay's `rows`)."""
    clocks = case.clocks if rows is None else rows
    _act(session, case, action, spec, at, start_event, fields, calendar, rows, clocks)
    if rows is None:
        sync_next_due(case)


def _act(
    session: Session,
    case: Case,
    action: ClockAction,
    spec: ClockSpec,
    at: datetime,
    start_event: str,
    fields: dict[str, Any],
    calendar: WorkCalendar,
    rows: list[Clock] | None,
    clocks: list[Clock],
) -> None:
    if action.op is ClockOp.START:
        started_at = _from_field(fields, action.from_field) or at
        for row in clocks:  # a reminder started again counts from its new start
            if row.kind == action.kind and row.status == ClockStatus.REMINDER:
                row.started_at, row.start_event = started_at, start_event
                _recount(row, calendar)
                return
        if _live(clocks, action.kind):  # already running (e.g. re-entering after a resume)
            return
        start_clock(
            session=session,
            case=case,
            spec=spec,
            started_at=started_at,
            start_event=start_event,
            fields=fields,
            calendar=calendar,
            rows=rows,
        )
        return
    for row in _live(clocks, action.kind):
        if action.op is ClockOp.EXTEND:
            rule = Rule("extension", Unit(row.unit), action.length, action.basis)
            row.explanation = row.explanation | {"rules": [vars(rule) | {"unit": rule.unit.value}]}
            _recount(row, calendar)
            continue
        if action.op is ClockOp.STOP:
            _finish(row, ClockStatus.MET, at, calendar)
            if row.stopped_at is not None and row.stopped_at > row.due_at:
                row.status = ClockStatus.MISSED
        elif action.op is ClockOp.CANCEL:
            _finish(row, ClockStatus.CANCELLED, at)
        elif action.op is ClockOp.PAUSE and row.status == ClockStatus.OPEN:
            row.status, row.paused_at = ClockStatus.PAUSED, at
        elif action.op is ClockOp.RESUME and row.status == ClockStatus.PAUSED:
            assert row.paused_at is not None
            # The suspended days are not counted: count the period again with this pause.
            row.pauses = [*row.pauses, [row.paused_at.isoformat(), at.isoformat()]]
            row.status, row.paused_at = ClockStatus.OPEN, None
            _recount(row, calendar)


# --- replay: the clocks counted again from the case's (corrected) facts ---------------------


@dataclass(frozen=True)
class Event:
    """One entry of a case's timeline as the clocks see it: the declared actions it carries
    out at its event time, and whether it enters a final state (`closes`: whatever still
    runs is cancelled) or undoes the last closing (`reopens`: what it cancelled runs again)."""

    actions: tuple[ClockAction, ...]
    at: datetime
    start_event: str
    fields: dict[str, Any]
    closes: bool = False
    reopens: bool = False


_Snapshot = list[tuple[Clock, ClockStatus, datetime | None, list[list[str]], datetime | None]]


def _simulate(
    session: Session,
    case: Case,
    workflow: Workflow,
    events: Sequence[Event],
    calendar: WorkCalendar,
) -> list[Clock]:
    """The clocks the events produce, as new rows that belong to no session."""
    shadow: list[Clock] = []
    closings: list[_Snapshot] = []
    for event in events:
        if event.reopens:
            for row, status, paused_at, pauses, stopped_at in closings.pop() if closings else []:
                row.status, row.paused_at, row.pauses = status, paused_at, pauses
                row.stopped_at = stopped_at
            continue
        snapshot: _Snapshot = [
            (r, r.status, r.paused_at, list(r.pauses), r.stopped_at)
            for r in shadow
            if r.status in LIVE
        ]
        for action in event.actions:
            apply(
                session=session,
                case=case,
                action=action,
                spec=workflow.clock(action.kind),
                at=event.at,
                start_event=event.start_event,
                fields=event.fields,
                calendar=calendar,
                rows=shadow,
            )
        if event.closes:
            cancel_all(case=case, at=event.at, rows=shadow)
            closings.append(snapshot)
    return shadow


def _state(row: Clock) -> tuple[Any, ...]:
    return (
        row.started_at,
        row.due_at,
        row.status,
        row.stopped_at,
        row.paused_at,
        _pauses(row),
        row.provisional,
        row.unit,
        row.length,
        row.basis,
    )


def replay(
    *,
    session: Session,
    case: Case,
    workflow: Workflow,
    events: Sequence[Event],
    calendar: WorkCalendar,
    now: datetime,
    because: dict[str, Any],
) -> list[Clock]:
    """Count every clock of the case again from its timeline (`events`, in recorded order)
    after a fact changed — a corrected event time, a corrected field, another region — or
    the case was reopened. The rows are updated in place (the n-th clock of a kind stays the
    n-th row of that kind, so its id stays); each that moved keeps in its explanation that
    it was recomputed, when, from what, and its previous due time. Follow-ups, dates a
    person chose, are left alone. Returns the clocks that changed."""
    shadow = _simulate(session, case, workflow, events, calendar)
    changed: list[Clock] = []
    for kind in dict.fromkeys(r.kind for r in [*case.clocks, *shadow]):
        if kind == FOLLOW_UP:
            continue
        stored = [r for r in case.clocks if r.kind == kind]
        fresh = [r for r in shadow if r.kind == kind]
        for old, new in zip(stored, fresh, strict=False):
            if _state(old) == _state(new) and old.start_event == new.start_event:
                continue
            before = old.due_at
            for name in (
                "started_at",
                "start_event",
                "due_at",
                "status",
                "paused_at",
                "pauses",
                "stopped_at",
                "provisional",
                "unit",
                "length",
                "basis",
            ):
                setattr(old, name, getattr(new, name))
            old.explanation = new.explanation | {
                "recomputed": old.explanation.get("recomputed", [])
            }
            _note_recount(old, before, now, because)
            changed.append(old)
        for new in fresh[len(stored) :]:  # a clock the corrected facts start anew
            new.case_id = case.id
            session.add(new)
            case.clocks.append(new)
            _note_recount(new, new.due_at, now, because)
            changed.append(new)
    sync_next_due(case)
    session.flush()
    return changed


def reopen_follow_ups(*, case: Case, closed_at: datetime) -> None:
    """Follow-ups the closing cancelled run again when the case is reopened."""
    for row in case.clocks:
        if (
            row.kind == FOLLOW_UP
            and row.status == ClockStatus.CANCELLED
            and row.stopped_at == closed_at
        ):
            row.status, row.stopped_at = ClockStatus.OPEN, None
    sync_next_due(case)


# --- follow-ups: a date a person chose in the contact log, not a counted period -------------

FOLLOW_UP = "follow_up"
FOLLOW_UP_LABEL = N_("跟进")  # the label follow-up clocks are stored with
FOLLOW_UP_BASIS = N_("联系记录约定的跟进日期")


def meet_follow_ups(*, case: Case, at: datetime) -> None:
    """A contact logged at `at` is the follow-up an earlier one asked for: met, or missed
    when it came after the day."""
    for row in case.clocks:
        if row.kind == FOLLOW_UP and row.status == ClockStatus.OPEN:
            _finish(row, ClockStatus.MET if at <= row.due_at else ClockStatus.MISSED, at)
    sync_next_due(case)


def start_follow_up(*, case: Case, on: date, at: datetime, start_event: str) -> Clock:
    """A follow-up due at the end of day `on` (China time), started by a contact at `at`."""
    row = Clock(
        case_id=case.id,
        kind=FOLLOW_UP,
        label=FOLLOW_UP_LABEL,
        basis=FOLLOW_UP_BASIS,
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
    sync_next_due(case)
    return row


def cancel_all(*, case: Case, at: datetime, rows: list[Clock] | None = None) -> None:
    for row in case.clocks if rows is None else rows:
        if row.status in LIVE:
            _finish(row, ClockStatus.CANCELLED, at)
    if rows is None:
        sync_next_due(case)


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
    because = {"what": "calendar", "year": year}
    for row in rows:
        before = row.due_at
        _recount(row, calendar)
        _note_recount(row, before, now, because)
    session.flush()
    case_ids = sorted({row.case_id for row in rows})
    for start in range(0, len(case_ids), 1000):
        session.execute(
            update(Case)
            .where(Case.id.in_(case_ids[start : start + 1000]))
            .values(next_due_at=_earliest_open_due())
            .execution_options(synchronize_session=False)
        )
    return len(rows)


def _earliest_open_due() -> Any:
    return (
        select(func.min(Clock.due_at))
        .where(Clock.case_id == Case.id, Clock.status == ClockStatus.OPEN.value)
        .scalar_subquery()
    )


def _note_recount(row: Clock, before: datetime, now: datetime, because: dict[str, Any]) -> None:
    """Keep on the clock that it was counted again, when and from what (shown in its
    explanation), with the due time it had before."""
    row.explanation = row.explanation | {
        "recomputed": [
            *row.explanation.get("recomputed", []),
            {"at": now.isoformat(), "previous_due_at": before.isoformat(), **because},
        ]
    }


def load_calendar(session: Session) -> WorkCalendar:
    return calendar_service.load(session=session)
