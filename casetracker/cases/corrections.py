"""Putting right what was recorded wrong, on the record: corrections and reopenings.

A correction changes a fact recorded at the opening (the type's `intake_fields`, or the
region) or a recorded step's fields and event time. It needs a reason, goes through the
same optimistic lock and chronology rule as a transition, appears on the timeline as its
own entry (before → after, who, why), is audited, and counts every clock of the case again
from the corrected facts (`deadlines.replay`), each moved clock saying so. A supervisor can
reopen a closed or withdrawn case, back to the state it left; that is an entry too.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import Role, User
from casetracker.cases import deadlines, registry, timeline
from casetracker.cases import fields as field_rules
from casetracker.cases.models import Case, CaseTransition
from casetracker.cases.rules import NO_CORRECTIONS, require_open
from casetracker.cases.service import (
    bump_version,
    record_entry,
    require_may_act,
    require_reason,
    require_version,
)
from casetracker.core.clock import local
from casetracker.core.errors import Forbidden, Invalid
from casetracker.core.i18n import _
from casetracker.core.validation import parse_int
from casetracker.people.models import Region
from casetracker.workflows.engine import FieldSpec, FieldType, Label, Workflow

REGION = FieldSpec("region", Label("参保地", "Insured region"), FieldType.TEXT, max_length=50)


def correctable_fields(case: Case) -> list[FieldSpec]:
    """What of the opening may be corrected on a case of this type: its intake fields, then
    the region."""
    return [f.spec for f in registry.get(case.type).intake_fields] + [REGION]


def current_facts(*, session: Session, case: Case) -> list[tuple[FieldSpec, Any]]:
    """Each correctable opening fact with its current value, for the case page's forms."""
    facts: list[tuple[FieldSpec, Any]] = [
        (f.spec, f.read(session, case)) for f in registry.get(case.type).intake_fields
    ]
    return [*facts, (REGION, case.region.name)]


def _shown(value: Any) -> Any:
    """A value as the timeline and the audit log keep it (JSON: times as ISO text)."""
    if isinstance(value, Region):
        return value.name
    if isinstance(value, datetime):  # in China time, whatever zone it was read or typed in
        return local(value).isoformat()
    return field_rules.jsonable({"v": value})["v"]


def _refuse(field: str, message: str) -> Invalid:
    return Invalid(message, field_errors={field: message})


def _region(session: Session, value: Any) -> Region:
    text = str(value).strip() if value is not None else ""
    number = parse_int(text)
    found = (
        session.get(Region, number)
        if number
        else session.scalar(select(Region).where(Region.name == text))
    )
    if found is None:
        raise _refuse("region", _("参保地：没有名为「{name}」的参保地").format(name=text))
    return found


def _begin(*, case: Case, version: int, reason: str, actor: User) -> str:
    """The checks every correction shares, in the order a person meets them: who may act
    (403), whether their page is current (409), whether the case is open and a reason is
    given (422)."""
    require_may_act(case, actor)
    require_version(case, version)
    require_open(case, NO_CORRECTIONS)
    return require_reason(reason)


def _recount(
    session: Session, case: Case, workflow: Workflow, now: datetime, because: dict[str, Any]
) -> None:
    deadlines.replay(
        session=session,
        case=case,
        workflow=workflow,
        events=timeline.clock_events(workflow, case.transitions),
        calendar=deadlines.load_calendar(session),
        now=now,
        because=because,
    )


def _both(labels: list[Label], zh_join: str = "、", en_join: str = ", ") -> dict[str, str]:
    return {"zh": zh_join.join(x.zh for x in labels), "en": en_join.join(x.en for x in labels)}


def correct_fact(
    *,
    session: Session,
    case: Case,
    version: int,
    field: str,
    value: Any,
    reason: str,
    actor: User,
    now: datetime,
) -> Case:
    """Correct one fact recorded at the opening (`field` names an intake field of the case's
    type, or `region`)."""
    why = _begin(case=case, version=version, reason=reason, actor=actor)
    workflow = registry.workflow(case.type)
    intake = registry.get(case.type).intake_field(field)
    if intake is None and field != REGION.name:
        names = "、".join(f.name for f in correctable_fields(case))
        raise _refuse(
            "field",
            _("field：不能更正「{field}」，可更正：{names}").format(field=field, names=names),
        )
    spec = intake.spec if intake else REGION
    if intake is None:
        before: Any = case.region
        after: Any = _region(session, value)
    else:
        before = intake.read(session, case)
        after = field_rules.parse_one(spec, value, now)
        if after is None:
            after = ""
        problem = intake.check(session, case, after, now) if intake.check else None
        if problem:
            raise _refuse(field, problem)
        if intake.opening_event:
            events = timeline.standing(workflow, case.transitions)
            problem = timeline.order_problem(workflow, events, events[0], after, False)
            if problem:
                message = _("{field}：{problem}").format(field=str(spec.label), problem=problem)
                raise _refuse(field, message)
    if _shown(before) == _shown(after):
        raise _refuse(field, _("{field}：与原记录相同，无需更正").format(field=str(spec.label)))

    bump_version(session=session, case=case)
    if intake is None:
        case.region_id, case.region = after.id, after
    else:
        intake.write(session, case, after)
        if intake.opening_event:
            opening = next(t for t in case.transitions if t.name == timeline.OPENING)
            opening.event_at = after
    change = {
        "field": field,
        "label": {"zh": spec.label.zh, "en": spec.label.en},
        "before": _shown(before),
        "after": _shown(after),
    }
    record_entry(
        case=case,
        name=timeline.CORRECTION,
        actor=actor,
        now=now,
        note=why,
        fields={"changes": [change]},
    )
    session.flush()
    _recount(session, case, workflow, now, {"what": "correction", **change})
    audit.record(
        session=session,
        actor=actor,
        action="case.corrected",
        subject_type="case",
        subject_id=case.id,
        before={field: change["before"]},
        after={field: change["after"], "reason": why},
        at=now,
    )
    return case


def _step(workflow: Workflow, case: Case, transition_id: int) -> CaseTransition:
    entry = next((t for t in case.transitions if t.id == transition_id), None)
    if entry is None:
        raise _refuse(
            "transition_id",
            _("transition_id：本案件没有编号为 {id} 的记录").format(id=transition_id),
        )
    if workflow.transition(entry.name) is None:
        raise _refuse(
            "transition_id",
            _("只能更正流程步骤；开案时登记的信息（如{opening}）请按字段更正").format(
                opening=str(workflow.opening_event)
            ),
        )
    if entry not in timeline.standing(workflow, case.transitions):
        raise _refuse("transition_id", _("该步骤已因案件重新打开而撤销，不能更正"))
    return entry


def correct_step(
    *,
    session: Session,
    case: Case,
    version: int,
    transition_id: int,
    fields: dict[str, Any],
    reason: str,
    actor: User,
    now: datetime,
) -> Case:
    """Correct a recorded step's fields (its event date among them, e.g. a wrong 受理日期)."""
    why = _begin(case=case, version=version, reason=reason, actor=actor)
    workflow = registry.workflow(case.type)
    entry = _step(workflow, case, transition_id)
    spec = workflow.transition(entry.name)
    assert spec is not None
    known = {f.name: f for f in spec.fields}
    unknown = [name for name in fields if name not in known]
    if unknown or not fields:
        names = "、".join(known) or _("（无）")
        raise _refuse(
            "fields",
            _("fields：「{step}」可更正的字段为 {names}").format(step=str(spec.label), names=names),
        )
    raw = {**entry.fields, **fields}
    values, event_at = field_rules.validate(spec, raw, now)
    stored = field_rules.jsonable(values)
    changed = [name for name in fields if stored.get(name) != entry.fields.get(name)]
    if not changed:
        raise _refuse("fields", _("与原记录相同，无需更正"))
    if spec.event_field in changed:
        day = known[spec.event_field].type is FieldType.DATE
        events = timeline.standing(workflow, case.transitions)
        problem = timeline.order_problem(workflow, events, entry, event_at, day)
        if problem:
            message = _("{field}：{problem}").format(
                field=str(known[spec.event_field].label), problem=problem
            )
            raise _refuse(spec.event_field, message)
    else:
        event_at = entry.event_at
    case_type = registry.get(case.type)
    if spec.name in case_type.effects:
        redo = case_type.corrections.get(spec.name)
        if redo is None:
            raise _refuse(
                "transition_id",
                _("「{step}」的结果已写入本案的其他记录，不能更正此步骤").format(
                    step=str(spec.label)
                ),
            )
        redo(session, case, values, actor, now)

    bump_version(session=session, case=case)
    changes = [
        {
            "field": name,
            "label": {"zh": known[name].label.zh, "en": known[name].label.en},
            "before": entry.fields.get(name),
            "after": stored[name],
        }
        for name in changed
    ]
    entry.fields = {**entry.fields, **{name: stored[name] for name in changed}}
    entry.event_at = event_at
    record_entry(
        case=case,
        name=timeline.CORRECTION,
        actor=actor,
        now=now,
        note=why,
        fields={
            "transition_id": entry.id,
            "step": {"zh": spec.label.zh, "en": spec.label.en},
            "changes": changes,
        },
    )
    session.flush()
    because = {
        "what": "correction",
        "label": _both([known[name].label for name in changed]),
        "before": "、".join(str(c["before"]) for c in changes),
        "after": "、".join(str(c["after"]) for c in changes),
    }
    _recount(session, case, workflow, now, because)
    audit.record(
        session=session,
        actor=actor,
        action="case.corrected",
        subject_type="case",
        subject_id=case.id,
        before={"transition_id": entry.id, **{c["field"]: c["before"] for c in changes}},
        after={
            "transition_id": entry.id,
            **{c["field"]: c["after"] for c in changes},
            "reason": why,
        },
        at=now,
    )
    return case


def reopen(
    *, session: Session, case: Case, version: int, reason: str, actor: User, now: datetime
) -> Case:
    """A supervisor reopens a closed or withdrawn case: back to the state it left, the
    clocks the closing cancelled running again (overdue ones overdue)."""
    if actor.role != Role.SUPERVISOR:
        raise Forbidden(_("只有主管可以重新打开已结束的案件"))
    require_version(case, version)
    if case.closed_at is None:
        raise _refuse("case", _("案件尚未结束（未结案或撤回），无需重新打开"))
    why = require_reason(reason)
    workflow = registry.workflow(case.type)
    closing = timeline.standing(workflow, case.transitions)[-1]
    back_to = closing.from_state or workflow.initial
    before = {"state": case.state, "closed_at": case.closed_at.isoformat()}
    bump_version(session=session, case=case)
    record_entry(
        case=case,
        name=timeline.REOPENING,
        actor=actor,
        now=now,
        note=why,
        fields={"undoes": closing.id},
        to_state=back_to,
    )
    case.state, case.closed_at = back_to, None
    session.flush()
    _recount(
        session,
        case,
        workflow,
        now,
        {"what": "reopen", "closed_at": local(closing.event_at).isoformat()},
    )
    deadlines.reopen_follow_ups(case=case, closed_at=closing.event_at)
    audit.record(
        session=session,
        actor=actor,
        action="case.reopened",
        subject_type="case",
        subject_id=case.id,
        before=before,
        after={"state": back_to, "reason": why},
        at=now,
    )
    return case
