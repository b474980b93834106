"""What the case API returns. Times are ISO 8601 in China time (+08:00)."""

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, object_session
from sqlalchemy.orm.util import identity_key

from casetracker.auth.models import User
from casetracker.auth.schemas import PersonOut, person_out
from casetracker.cases import registry, timeline, words
from casetracker.cases.listing import ListedCase
from casetracker.cases.models import Case, CaseTransition, Clock
from casetracker.cases.service import CaseKey, allowed_transitions, may_fire
from casetracker.core.clock import local
from casetracker.core.i18n import in_reader_language, translate


@dataclass(frozen=True, slots=True)
class FieldOut:
    name: str
    label: str
    type: str
    required: bool
    minimum: int | None = None  # an integer field's bounds
    maximum: int | None = None


@dataclass(frozen=True, slots=True)
class TransitionOut:
    name: str
    label: str
    target: str
    fields: list[FieldOut]


@dataclass(frozen=True, slots=True)
class ClockSummaryOut:
    """A clock as lists show it: without its explanation (`GET /api/v1/cases/{id}` has it)."""

    id: int
    kind: str
    label: str
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None
    status: str
    provisional: bool
    time_left: str
    urgency: str


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


class ChangeOut(BaseModel):
    """One corrected value on a correction entry."""

    field: str
    label: str
    before: object
    after: object


class TimelineOut(BaseModel):
    """One entry: a workflow step, or the opening (`open`), a correction (`correction`, with
    its `changes` and, for a step, the `corrects` entry's id), a reopening (`reopen`) or a
    handover (`reassignment`). `note` is the step's note or the entry's reason."""

    id: int
    name: str
    label: str
    from_state: str | None
    to_state: str
    actor: PersonOut | None
    at: datetime
    event_at: datetime
    note: str
    fields: dict[str, object]
    corrects: int | None = None
    changes: list[ChangeOut] = []


class CaseOut(BaseModel):
    id: int
    type: str
    type_label: str
    state: str
    state_label: str
    # What the case waits for from outside in this state (e.g. 社保局受理), else null: its
    # transitions record the answer, they are not the next step of our own work.
    waiting_for: str | None
    version: int
    title: str
    client_id: int | None  # None: a case of no one client (a monthly batch)
    client: str | None
    insured_id: int | None
    parent_id: int | None = None  # the case this one was opened from (an appraisal's injury)
    region_id: int
    region: str
    owner: PersonOut
    opened_at: datetime  # when the case was recorded; the opening event is on the timeline
    event_at: datetime  # the opening event's time (the accident's)
    closed_at: datetime | None
    allowed_transitions: list[TransitionOut]
    clocks: list[ClockOut]
    timeline: list[TimelineOut]


@dataclass(frozen=True, slots=True)
class CaseSummaryOut:
    """A case as lists show it (the API list, the desk): the case without its timeline, its
    running clocks (open or paused) without their explanations, and `next_due_at`, the
    earliest due open clock."""

    id: int
    type: str
    type_label: str
    state: str
    state_label: str
    waiting_for: str | None
    version: int
    title: str
    client_id: int | None  # None: a case of no one client (a monthly batch)
    client: str | None
    insured_id: int | None
    region_id: int
    region: str
    owner: PersonOut
    opened_at: datetime
    closed_at: datetime | None
    next_due_at: datetime | None
    allowed_transitions: list[TransitionOut]
    clocks: list[ClockSummaryOut]


class CaseListOut(BaseModel):
    items: list[CaseSummaryOut]
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
        basis=words.basis(row.basis),
        unit=row.unit,
        length=row.length,
        time_left=words.time_left(row, now),
        urgency=words.urgency(row, now),
        explanation=words.explain(row, registry.workflow(case_type).event_label),
    )


def _transitions(case: CaseKey, user: User) -> list[TransitionOut]:
    """The transitions the user may fire."""
    return [
        TransitionOut(
            name=t.name,
            label=str(t.label),
            target=t.target,
            fields=[
                FieldOut(
                    name=f.name,
                    label=str(f.label),
                    type=f.type.value,
                    required=f.required,
                    minimum=f.minimum,
                    maximum=f.maximum,
                )
                for f in t.fields
            ],
        )
        for t in allowed_transitions(case, user)
    ]


def _waiting_for(case_type: str, state_name: str) -> str | None:
    state = registry.workflow(case_type).state(state_name)
    return str(state.waiting_for) if state and state.waiting_for else None


def case_summaries(cases: list[ListedCase], user: User, now: datetime) -> list[CaseSummaryOut]:
    """Listed cases as the lists show them, with the clocks they were listed with (see
    `listing.list_page`). The transitions a user may fire depend only on the case's type
    and state and whether the user may act on it: built once per kind."""
    memo: dict[tuple[str, str, bool], list[TransitionOut]] = {}
    return [case_summary(case, user, now, memo) for case in cases]


def case_summary(
    case: ListedCase,
    user: User,
    now: datetime,
    memo: dict[tuple[str, str, bool], list[TransitionOut]] | None = None,
) -> CaseSummaryOut:
    """A listed case as the lists show it (plain dataclasses: a page builds fifty, and the
    values come typed from the database)."""
    workflow = registry.workflow(case.type)
    key = (case.type, case.state, may_fire(workflow, case, user))
    transitions = memo.get(key) if memo is not None else None
    if transitions is None:
        transitions = _transitions(case, user)
        if memo is not None:
            memo[key] = transitions
    return CaseSummaryOut(
        id=case.id,
        type=case.type,
        type_label=str(workflow.label),
        state=case.state,
        state_label=workflow.state_label(case.state),
        waiting_for=_waiting_for(case.type, case.state),
        version=case.version,
        title=case.title,
        client_id=case.client_id,
        client=case.client,
        insured_id=case.insured_id,
        region_id=case.region_id,
        region=case.region,
        owner=PersonOut(id=case.owner_id, login=case.owner_login, name=case.owner_name),
        opened_at=local(case.opened_at),
        closed_at=local(case.closed_at) if case.closed_at else None,
        next_due_at=local(case.next_due_at) if case.next_due_at else None,
        allowed_transitions=transitions,
        clocks=[
            ClockSummaryOut(
                id=row.id,
                kind=row.kind,
                label=workflow.clock_label(row.kind, translate(row.label)),
                started_at=local(row.started_at),
                due_at=local(row.due_at),
                stopped_at=local(row.stopped_at) if row.stopped_at else None,
                status=str(row.status),
                provisional=row.provisional,
                time_left=words.time_left(row, now),
                urgency=words.urgency(row, now),
            )
            for row in case.clocks
        ],
    )


def _timeline(case: Case, row: CaseTransition, people: dict[int, User]) -> TimelineOut:
    workflow = registry.workflow(case.type)
    actor = people.get(row.actor_id) if row.actor_id is not None else None
    changes = row.fields.get("changes", []) if row.name == timeline.CORRECTION else []
    corrects = row.fields.get("transition_id") if row.name == timeline.CORRECTION else None
    return TimelineOut(
        id=row.id,
        name=row.name,
        label=timeline.entry_label(workflow, row.name),
        from_state=row.from_state,
        to_state=row.to_state,
        actor=person_out(actor)
        if actor
        else PersonOut(id=row.actor_id or 0, login="", name=row.actor_name),
        at=local(row.at),
        event_at=local(row.event_at),
        note=row.note,
        fields=row.fields,
        corrects=corrects if isinstance(corrects, int) else None,
        changes=[
            ChangeOut(
                field=str(c.get("field", "")),
                label=in_reader_language(c.get("label", "")),
                before=c.get("before"),
                after=c.get("after"),
            )
            for c in changes
            if isinstance(c, dict)
        ],
    )


def _people(session: Session | None, case: Case) -> dict[int, User]:
    ids = {t.actor_id for t in case.transitions if t.actor_id is not None}
    if session is None or not ids:
        return {}
    known: dict[int, User] = {}
    for user_id in ids:  # the owner and the signed-in user are usually loaded already
        found = session.identity_map.get(identity_key(User, user_id))
        if isinstance(found, User):
            known[user_id] = found
    missing = ids - known.keys()
    if missing:
        known.update((u.id, u) for u in session.scalars(select(User).where(User.id.in_(missing))))
    return known


def case_out(case: Case, user: User, now: datetime) -> CaseOut:
    workflow = registry.workflow(case.type)
    people = _people(object_session(case), case)
    opening = next((t for t in case.transitions if t.name == timeline.OPENING), None)
    return CaseOut(
        id=case.id,
        type=case.type,
        type_label=str(workflow.label),
        state=case.state,
        state_label=workflow.state_label(case.state),
        waiting_for=_waiting_for(case.type, case.state),
        version=case.version,
        title=case.title,
        client_id=case.client_id,
        client=case.client.name if case.client else None,
        insured_id=case.insured_id,
        parent_id=case.parent_id,
        region_id=case.region_id,
        region=case.region.name,
        owner=person_out(case.owner),
        opened_at=local(case.opened_at),
        event_at=local(opening.event_at if opening else case.opened_at),
        closed_at=local(case.closed_at) if case.closed_at else None,
        allowed_transitions=_transitions(case, user),
        clocks=[clock_out(case.type, c, now) for c in case.clocks],
        timeline=[_timeline(case, t, people) for t in case.transitions],
    )
