"""The workflow engine's vocabulary: a workflow is plain data a supervisor can read.

A `Workflow` lists its states (with the clocks that entering or leaving each one starts,
stops, pauses, resumes or cancels), its transitions (who may fire them, which fields they
require, which guards must pass) and its clocks (length, unit, legal basis, overrides).
`casetracker.cases.service.fire` applies a transition to a stored case; this module only
describes and checks, so it can be tested without a database.
"""

import enum
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from casetracker.auth.models import Role
from casetracker.calendar.periods import Unit
from casetracker.core import i18n
from casetracker.core.clock import CHINA_TZ


@dataclass(frozen=True)
class Label:
    """A name in both languages; Chinese first."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.en if i18n.current_locale.get() == "en" else self.zh


class FieldType(enum.StrEnum):
    DATE = "date"
    DATETIME = "datetime"
    BOOL = "bool"
    TEXT = "text"
    LIST = "list"
    MONEY = "money"  # yuan to the cent, a Decimal
    INTEGER = "integer"  # a whole number from `minimum` to `maximum`
    AMOUNTS = "amounts"  # yuan to the cent by row id: {"12": "800.00", …}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: Label
    type: FieldType
    required: bool = True
    max_length: int = 500
    # How the timeline names a true yes/no field (else its label), e.g. 简易案件.
    shown_as: Label | None = None
    minimum: int | None = None  # an integer field's bounds
    maximum: int | None = None


class ClockOp(enum.StrEnum):
    START = "start"  # unless one of that kind already runs; to restart, stop it first
    STOP = "stop"  # met, or missed when after the due time
    PAUSE = "pause"
    RESUME = "resume"
    CANCEL = "cancel"
    EXTEND = "extend"  # the running clock counted again from its start with a new length


@dataclass(frozen=True)
class ClockAction:
    """One thing done to a clock. A start may count from a date field of the transition
    (`from_field`) instead of its event time (a window from the day a decision was
    received); an extension gives the running clock a new `length` from its own start,
    citing `basis`."""

    op: ClockOp
    kind: str
    from_field: str | None = None
    length: int = 0
    basis: str = ""


def start(kind: str, *, from_field: str | None = None) -> ClockAction:
    return ClockAction(ClockOp.START, kind, from_field=from_field)


def extend(kind: str, length: int, basis: str) -> ClockAction:
    return ClockAction(ClockOp.EXTEND, kind, length=length, basis=basis)


def stop(kind: str) -> ClockAction:
    return ClockAction(ClockOp.STOP, kind)


def pause(kind: str) -> ClockAction:
    return ClockAction(ClockOp.PAUSE, kind)


def resume(kind: str) -> ClockAction:
    return ClockAction(ClockOp.RESUME, kind)


def cancel(kind: str) -> ClockAction:
    return ClockAction(ClockOp.CANCEL, kind)


@dataclass(frozen=True)
class Offset:
    """A span from a clock's due time: `amount` `unit`s, or (`at`) that time of day on the
    due day (a follow-up's 09:00)."""

    amount: int = 0
    unit: Unit = Unit.HOURS
    at: time | None = None


def hours(amount: int) -> Offset:
    return Offset(amount, Unit.HOURS)


def days(amount: int) -> Offset:
    return Offset(amount, Unit.CALENDAR_DAYS)


def working_days(amount: int) -> Offset:
    return Offset(amount, Unit.WORKING_DAYS)


@dataclass(frozen=True)
class AlertSpec:
    """When a clock raises its alerts (`casetracker.alerts`): a `warning` this long before
    the due time (None: no warning), `overdue` at the due time, and an `escalation` to the
    supervisors this long after it, repeated every `repeat_hours` while the clock stays open
    and no supervisor has acknowledged it."""

    warning: Offset | None
    escalation: Offset
    repeat_hours: int = 24

    def earliest_look(self, due_at: datetime) -> datetime:
        """No alert can be due before this: the warning's earliest possible moment, bounding
        working days by the longest run of days off a Chinese year has (the Spring
        Festival's, with its weekends). The scan looks at a clock that changed from then."""
        offset = self.warning
        if offset is None:
            return due_at
        if offset.at is not None:
            day = due_at.astimezone(CHINA_TZ).date()
            return datetime.combine(day, time(0), tzinfo=CHINA_TZ)
        if offset.unit == Unit.HOURS:
            return due_at - timedelta(hours=offset.amount)
        if offset.unit == Unit.WORKING_DAYS:
            return due_at - timedelta(days=offset.amount * 3 + 12)
        return due_at - timedelta(days=offset.amount)


# A clock that declares nothing: warned a day ahead, escalated a working day after.
DEFAULT_ALERTS = AlertSpec(warning=days(1), escalation=working_days(1))
FOLLOW_UP_ALERTS = AlertSpec(warning=Offset(at=time(9, 0)), escalation=working_days(1))


@dataclass(frozen=True)
class ClockSpec:
    """A deadline: `length` `unit`s from the event that starts it, citing its `basis`.

    A region's own rule (`ClockTerm` with `overrides`) replaces the length there;
    `variants` shorten or lengthen it when a boolean transition field is true, e.g.
    `(("simple", 15),)` for the 15-day decision on simple cases. Client contract terms and
    region terms stored as `ClockTerm` rows also apply; the stricter (earliest due) wins.
    """

    kind: str
    label: Label
    unit: Unit
    length: int
    basis: str
    variants: tuple[tuple[str, int], ...] = ()
    # The length is a local regulation: each region sets its own (an overriding ClockTerm).
    regional: bool = False
    alerts: AlertSpec = DEFAULT_ALERTS
    # The case type works the length out from the case (a region's monthly cut-off day):
    # the name of one of its `CaseType.length_rules`, which replaces `length` and `basis`.
    length_rule: str | None = None
    # A reminder, not a deadline: from its due time on something may be done (a review may
    # be requested). It is never met, missed or overdue and raises no alert.
    reminder: bool = False


@dataclass(frozen=True)
class StateSpec:
    """A state; `waiting_for` names what the case waits for from outside while in it (the
    bureau's acceptance): the desk then shows 等待… with its clock, and the transitions that
    record the answer as secondary actions, not as the next step."""

    name: str
    label: Label
    final: bool = False
    on_enter: tuple[ClockAction, ...] = ()
    on_exit: tuple[ClockAction, ...] = ()
    waiting_for: Label | None = None


@dataclass(frozen=True)
class Guard:
    """A condition that must hold before a transition fires, named and described here; its
    implementation comes with the case type's registry entry (`cases.types.CaseType`), so
    a workflow stays plain data that imports no domain."""

    name: str
    description: Label


@dataclass(frozen=True)
class TransitionSpec:
    name: str
    label: Label
    sources: tuple[str, ...]
    target: str
    roles: tuple[Role, ...] = (Role.SPECIALIST, Role.SUPERVISOR)
    fields: tuple[FieldSpec, ...] = ()
    event_field: str | None = None  # the field holding the outside event's time
    guards: tuple[Guard, ...] = ()
    # Clock actions of this transition itself, after its states' (on_exit, on_enter): what
    # only this way into a state does (a first conclusion opens the window for a second
    # appraisal; the second, final one does not).
    clocks: tuple[ClockAction, ...] = ()


@dataclass(frozen=True)
class Workflow:
    type: str
    label: Label
    description: Label | str  # shown on its help page; a Label in both languages
    initial: str
    opening_event: Label  # what the case's opening time is, e.g. 事故发生
    states: tuple[StateSpec, ...]
    transitions: tuple[TransitionSpec, ...]
    clocks: tuple[ClockSpec, ...]
    # Specialists fire transitions only on cases they own; supervisors on any.
    owner_only_roles: tuple[Role, ...] = (Role.SPECIALIST,)
    _index: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update(
            {
                "state": {s.name: s for s in self.states},
                "transition": {t.name: t for t in self.transitions},
                "clock": {c.kind: c for c in self.clocks},
                "from": {
                    s.name: [t for t in self.transitions if s.name in t.sources]
                    for s in self.states
                },
            }
        )
        problems = definition_problems(self)
        if problems:
            raise ValueError(f"workflow {self.type} is inconsistent: {problems}")

    def state(self, name: str) -> StateSpec | None:
        result: StateSpec | None = self._index["state"].get(name)
        return result

    def transition(self, name: str) -> TransitionSpec | None:
        result: TransitionSpec | None = self._index["transition"].get(name)
        return result

    def clock(self, kind: str) -> ClockSpec:
        result: ClockSpec = self._index["clock"][kind]
        return result

    def alerts(self, kind: str) -> AlertSpec:
        """When a clock of this kind raises alerts; a follow-up (a contact's 待跟进, on any
        case) warns at 09:00 on its day."""
        spec: ClockSpec | None = self._index["clock"].get(kind)
        return spec.alerts if spec else FOLLOW_UP_ALERTS

    def clock_label(self, kind: str, fallback: str) -> str:
        spec: ClockSpec | None = self._index["clock"].get(kind)
        return str(spec.label) if spec else fallback

    def event_label(self, stored: str) -> str:
        """What started a clock, stored in Chinese (the opening event's or a transition's
        label, else a message id), in the reader's language."""
        for label in (self.opening_event, *(t.label for t in self.transitions)):
            if stored in (label.zh, label.en):
                return str(label)
        return i18n.translate(stored)

    def state_label(self, name: str) -> str:
        state = self.state(name)
        return str(state.label) if state else name

    def clock_actions(
        self, transition: TransitionSpec, source: str | None, target: str
    ) -> tuple[ClockAction, ...]:
        """What a transition does to the clocks, in order: leaving its source, entering its
        target, then its own."""
        exiting, entering = self.state(source or ""), self.state(target)
        return (
            *(exiting.on_exit if exiting else ()),
            *(entering.on_enter if entering else ()),
            *transition.clocks,
        )

    def transitions_from(self, state: str) -> list[TransitionSpec]:
        return list(self._index["from"].get(state, ()))

    def allowed(self, state: str, role: Role) -> list[TransitionSpec]:
        return [t for t in self._index["from"].get(state, ()) if role in t.roles]


# Timeline entries the engine records itself (`cases.timeline`): no transition may be named so.
RESERVED_NAMES = frozenset({"open", "correction", "reopen", "reassignment"})


def definition_problems(workflow: Workflow) -> list[str]:
    """Everything that makes a definition unusable: unknown states, clocks or fields."""
    states = {s.name for s in workflow.states}
    kinds = {c.kind for c in workflow.clocks}
    problems = [] if workflow.initial in states else [f"initial {workflow.initial}"]
    for t in workflow.transitions:
        if t.name in RESERVED_NAMES:
            problems.append(f"{t.name}: a name the engine keeps for its own timeline entries")
        problems += [
            f"{t.name}: unknown state {s}" for s in (*t.sources, t.target) if s not in states
        ]
        names = {f.name for f in t.fields}
        if t.event_field and t.event_field not in names:
            problems.append(f"{t.name}: event field {t.event_field} not among its fields")
        problems += [
            f"{t.name}: leaves final state {s}"
            for s in t.sources
            if (spec := workflow.state(s)) and spec.final
        ]
        problems += [f"{t.name}: unknown clock {a.kind}" for a in t.clocks if a.kind not in kinds]
        problems += [
            f"{t.name}: clock field {a.from_field} not among its fields"
            for a in t.clocks
            if a.from_field and a.from_field not in names
        ]
    for s in workflow.states:
        problems += [
            f"{s.name}: unknown clock {a.kind}"
            for a in (*s.on_enter, *s.on_exit)
            if a.kind not in kinds
        ]
        problems += [
            f"{s.name}: a state's clock action cannot name a transition's field"
            for a in (*s.on_enter, *s.on_exit)
            if a.from_field
        ]
    return problems
