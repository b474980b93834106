"""A case's timeline: its workflow steps and the entries that are not steps.

Besides the workflow's own transitions a timeline holds the opening (`open`), corrections
(`correction`), reopenings (`reopen`) and handovers (`reassignment`); workflows may not use
these names (`workflows.engine.RESERVED_NAMES`). The *standing* events are the opening and
the steps a reopening did not undo: the chronology rule and the clocks follow them.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from casetracker.auth.models import User
from casetracker.cases.deadlines import Event
from casetracker.cases.models import CaseTransition
from casetracker.core.clock import CHINA_TZ, local
from casetracker.core.i18n import _
from casetracker.workflows.engine import RESERVED_NAMES, FieldType, Label, Workflow

OPENING = "open"
CORRECTION = "correction"
REOPENING = "reopen"
REASSIGNMENT = "reassignment"

ENTRY_LABELS = {
    CORRECTION: Label("更正", "Correction"),
    REOPENING: Label("重新打开", "Reopened"),
    REASSIGNMENT: Label("改派负责人", "Reassigned"),
}
assert {OPENING, *ENTRY_LABELS} == RESERVED_NAMES


def person(user: User) -> dict[str, Any]:
    """A person as the API and the timeline show one."""
    return {"id": user.id, "login": user.username, "name": user.display_name}


def entry_label(workflow: Workflow, name: str) -> str:
    if name == OPENING:
        return str(workflow.opening_event)
    if name in ENTRY_LABELS:
        return str(ENTRY_LABELS[name])
    spec = workflow.transition(name)
    return str(spec.label) if spec else name


def standing(workflow: Workflow, entries: Sequence[CaseTransition]) -> list[CaseTransition]:
    """The opening and the steps still standing, in recorded order: a reopening undoes the
    closing step before it; corrections and handovers are not events."""
    events: list[CaseTransition] = []
    for entry in sorted(entries, key=lambda e: e.id or 0):
        if entry.name == REOPENING:
            if events and events[-1].name != OPENING:
                events.pop()
        elif entry.name == OPENING or workflow.transition(entry.name) is not None:
            events.append(entry)
    return events


def date_only(workflow: Workflow, entry: CaseTransition) -> bool:
    """Whether the entry's event time is a day (a date field), not a moment."""
    spec = workflow.transition(entry.name)
    if spec is None or spec.event_field is None:
        return False
    return next(f.type for f in spec.fields if f.name == spec.event_field) is FieldType.DATE


def _before(a: datetime, b: datetime, by_day: bool) -> bool:
    if by_day:
        return a.astimezone(CHINA_TZ).date() < b.astimezone(CHINA_TZ).date()
    return a < b


def _when(entry: CaseTransition, by_day: bool) -> str:
    return local(entry.event_at).strftime("%Y-%m-%d" if by_day else "%Y-%m-%d %H:%M")


def order_problem(
    workflow: Workflow,
    events: Sequence[CaseTransition],
    entry: CaseTransition | None,
    event_at: datetime,
    day: bool,
) -> str | None:
    """Why `event_at` breaks the order of events, or None. `entry` None: a new step after
    the last standing event; else the standing `entry` moved to `event_at`, which may not
    precede the event before it nor follow the one after it."""
    if entry is None:
        previous, following = (events[-1] if events else None), None
    else:
        index = next(i for i, e in enumerate(events) if e.id == entry.id)
        previous = events[index - 1] if index > 0 else None
        following = events[index + 1] if index + 1 < len(events) else None
    if previous is not None:
        by_day = day or date_only(workflow, previous)
        if _before(event_at, previous.event_at, by_day):
            return _("不能早于上一步「{step}」的时间 {when}").format(
                step=entry_label(workflow, previous.name), when=_when(previous, by_day)
            )
    if following is not None:
        by_day = day or date_only(workflow, following)
        if _before(following.event_at, event_at, by_day):
            return _("不能晚于下一步「{step}」的时间 {when}").format(
                step=entry_label(workflow, following.name), when=_when(following, by_day)
            )
    return None


def clock_events(workflow: Workflow, entries: Sequence[CaseTransition]) -> list[Event]:
    """The timeline as the clocks see it, for `deadlines.replay`."""
    events: list[Event] = []
    for entry in sorted(entries, key=lambda e: e.id or 0):
        if entry.name == OPENING:
            initial = workflow.state(workflow.initial)
            actions = initial.on_enter if initial else ()
            events.append(Event(actions, entry.event_at, workflow.opening_event.zh, {}))
        elif entry.name == REOPENING:
            events.append(Event((), entry.event_at, "", {}, reopens=True))
        elif (spec := workflow.transition(entry.name)) is not None:
            entering = workflow.state(entry.to_state)
            actions = workflow.clock_actions(spec, entry.from_state, entry.to_state)
            events.append(
                Event(
                    actions,
                    entry.event_at,
                    spec.label.zh,
                    dict(entry.fields),
                    closes=bool(entering and entering.final),
                )
            )
    return events
