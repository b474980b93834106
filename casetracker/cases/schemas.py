"""What the case API returns. Times are ISO 8601 in China time (+08:00)."""

from datetime import datetime

from pydantic import BaseModel

from casetracker.auth.models import User
from casetracker.cases import registry, words
from casetracker.cases.models import Case, CaseTransition, Clock
from casetracker.cases.service import allowed_transitions
from casetracker.core.clock import local
from casetracker.core.i18n import translate


class FieldOut(BaseModel):
    name: str
    label: str
    type: str
    required: bool


class TransitionOut(BaseModel):
    name: str
    label: str
    target: str
    fields: list[FieldOut]


class ClockOut(BaseModel):
    id: int
    kind: str
    label: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None
    status: str
    provisional: bool
    basis: str
    unit: str
    length: int
    time_left: str
    urgency: str
    explanation: list[str]


class TimelineOut(BaseModel):
    name: str
    label: str
    from_state: str | None
    to_state: str
    actor: str
    at: datetime
    event_at: datetime
    note: str
    fields: dict[str, object]


class CaseOut(BaseModel):
    id: int
    type: str
    type_label: str
    state: str
    state_label: str
    version: int
    title: str
    client_id: int
    client: str
    insured_id: int | None
    region_id: int
    region: str
    owner: str
    opened_at: datetime
    closed_at: datetime | None
    allowed_transitions: list[TransitionOut]
    clocks: list[ClockOut]
    timeline: list[TimelineOut]


class CaseListOut(BaseModel):
    items: list[CaseOut]
    total: int
    offset: int
    limit: int


def clock_out(case_type: str, row: Clock, now: datetime) -> ClockOut:
    return ClockOut(
        id=row.id,
        kind=row.kind,
        label=registry.workflow(case_type).clock_label(row.kind, translate(row.label)),
        started_at=local(row.started_at),
        due_at=local(row.due_at),
        stopped_at=local(row.stopped_at) if row.stopped_at else None,
        status=row.status,
        provisional=row.provisional,
        basis=row.basis,
        unit=row.unit,
        length=row.length,
        time_left=words.time_left(row, now),
        urgency=words.urgency(row, now),
        explanation=words.explain(row),
    )


def _timeline(case: Case, row: CaseTransition) -> TimelineOut:
    workflow = registry.workflow(case.type)
    spec = workflow.transition(row.name)
    label = str(spec.label) if spec else str(workflow.opening_event)
    return TimelineOut(
        name=row.name,
        label=label,
        from_state=row.from_state,
        to_state=row.to_state,
        actor=row.actor_name,
        at=local(row.at),
        event_at=local(row.event_at),
        note=row.note,
        fields=row.fields,
    )


def case_out(case: Case, user: User, now: datetime) -> CaseOut:
    workflow = registry.workflow(case.type)
    return CaseOut(
        id=case.id,
        type=case.type,
        type_label=str(workflow.label),
        state=case.state,
        state_label=workflow.state_label(case.state),
        version=case.version,
        title=case.title,
        client_id=case.client_id,
        client=case.client.name,
        insured_id=case.insured_id,
        region_id=case.region_id,
        region=case.region.name,
        owner=case.owner.username,
        opened_at=local(case.opened_at),
        closed_at=local(case.closed_at) if case.closed_at else None,
        allowed_transitions=[
            TransitionOut(
                name=t.name,
                label=str(t.label),
                target=t.target,
                fields=[
                    FieldOut(
                        name=f.name, label=str(f.label), type=f.type.value, required=f.required
                    )
                    for f in t.fields
                ],
            )
            for t in allowed_transitions(case, user)
        ],
        clocks=[clock_out(case.type, c, now) for c in case.clocks],
        timeline=[_timeline(case, t) for t in case.transitions],
    )
