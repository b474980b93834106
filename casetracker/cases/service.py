"""Opening cases and firing their transitions. One call, one transaction (the caller's):
role, guards and version are checked, the state, clocks, timeline and audit log change
together, or nothing changes."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import CursorResult, Row, event, select, update
from sqlalchemy.orm import Session, joinedload, selectinload

from casetracker.audit import service as audit
from casetracker.auth.models import Role, User
from casetracker.cases import deadlines, registry, timeline
from casetracker.cases import fields as field_rules
from casetracker.cases.models import Case, CaseTransition, Clock, ClockStatus
from casetracker.cases.rules import NO_REASSIGNMENT, require_open
from casetracker.cases.types import GuardContext
from casetracker.core.clock import local
from casetracker.core.errors import Conflict, Forbidden, Invalid, NotFound
from casetracker.core.i18n import _
from casetracker.people.models import InsuredPerson
from casetracker.workflows.engine import (
    ClockAction,
    FieldType,
    TransitionSpec,
    Workflow,
)


class StaleVersion(Conflict):
    """The case changed since the caller read it (optimistic lock)."""


def require_case(*, session: Session, case_id: int) -> Case:
    case = session.get(
        Case,
        case_id,
        options=[
            selectinload(Case.clocks),
            selectinload(Case.transitions),
            # the names a case shows and acts on, in the same query
            joinedload(Case.owner),
            joinedload(Case.client),
            joinedload(Case.region),
            joinedload(Case.insured),
        ],
    )
    if case is None:
        raise NotFound(_("案件不存在（编号 {id}）").format(id=case_id))
    return case


def _insured_name(session: Session, insured_id: int | None) -> str:
    person = None if insured_id is None else session.get(InsuredPerson, insured_id)
    return "" if person is None else person.name


def open_case(
    *,
    session: Session,
    case_type: str,
    client_id: int | None,
    region_id: int,
    owner: User,
    event_at: datetime,
    now: datetime,
    insured_id: int | None = None,
    title: str = "",
    parent_id: int | None = None,
) -> Case:
    """Create a case in its workflow's initial state and start that state's clocks from the
    opening event at `event_at` (e.g. the accident time). `opened_at` is when it was
    recorded (`now`); the opening event's time stays on its timeline entry. `parent_id`:
    the case it was opened from."""
    workflow = registry.workflow(case_type)
    if event_at > now:
        raise Invalid(
            _("事件时间不能晚于当前时间"), field_errors={"opened_at": _("事件时间不能晚于当前时间")}
        )
    case = Case(
        type=case_type,
        state=workflow.initial,
        version=1,
        title=title,
        client_id=client_id,
        region_id=region_id,
        insured_id=insured_id,
        insured_name=_insured_name(session, insured_id),
        parent_id=parent_id,
        owner_id=owner.id,
        opened_at=now,
    )
    session.add(case)
    session.flush()
    session.refresh(case)  # load region/client for clock rules
    initial = workflow.state(workflow.initial)
    assert initial is not None
    _apply_clock_actions(
        session,
        workflow,
        case,
        initial.on_enter,
        at=event_at,
        start_event=workflow.opening_event.zh,
        fields={},
    )
    session.add(
        CaseTransition(
            case_id=case.id,
            name=timeline.OPENING,
            from_state=None,
            to_state=workflow.initial,
            actor_id=owner.id,
            actor_name=owner.display_name,
            at=now,
            event_at=event_at,
            note="",
            fields={},
        )
    )
    session.flush()
    audit.record(
        session=session,
        actor=owner,
        action=f"{case_type}.opened",
        subject_type="case",
        subject_id=case.id,
        after={"state": case.state, "event_at": event_at.isoformat()},
        at=now,
    )
    return case


class CaseKey(Protocol):
    """What deciding who may act on a case needs: a stored case or a listed one."""

    @property
    def type(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def owner_id(self) -> int: ...


def may_fire(workflow: Workflow, case: CaseKey, user: User) -> bool:
    """Owners and supervisors act on a case; specialists only on their own."""
    return not (user.role in workflow.owner_only_roles and case.owner_id != user.id)


def reassign(
    *, session: Session, case: Case, owner: User, actor: User, now: datetime, reason: str
) -> None:
    """A supervisor hands a case to another specialist, saying why. The handover is on the
    timeline (which tells the new owner, until alerts bring it to their inbox); the version
    moves so open forms of the old owner become stale."""
    require_open(case, NO_REASSIGNMENT)
    why = require_reason(reason)
    if owner.id == case.owner_id:
        message = _("{name} 已是负责人").format(name=owner.display_name)
        raise Invalid(message, field_errors={"owner": message})
    previous = case.owner
    bump_version(session=session, case=case)
    case.owner_id, case.owner = owner.id, owner
    record_entry(
        case=case,
        name=timeline.REASSIGNMENT,
        actor=actor,
        now=now,
        note=why,
        fields={
            "from": timeline.person(previous),
            "to": timeline.person(owner),
        },
    )
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="case.reassigned",
        subject_type="case",
        subject_id=case.id,
        before={"owner_id": previous.id},
        after={"owner_id": owner.id, "reason": why},
        at=now,
    )


def require_reason(reason: str) -> str:
    """A correction, reopening or reassignment says why: 1–500 characters of text."""
    why = reason.strip()
    if not why:
        message = _("原因：必填，请说明原因")
        raise Invalid(message, field_errors={"reason": message})
    if len(why) > 500 or "\x00" in why:
        message = _("原因：不能超过 500 个字符，且不能含控制字符")
        raise Invalid(message, field_errors={"reason": message})
    return why


def bump_version(*, session: Session, case: Case) -> None:
    """Move the case's version with a conditional UPDATE: of two writers who read the same
    version, the second gets 409 (StaleVersion)."""
    result = cast(
        CursorResult[Any],
        session.execute(
            update(Case)
            .where(Case.id == case.id, Case.version == case.version)
            .values(version=Case.version + 1)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != 1:
        raise StaleVersion(_("案件已被他人更新，请刷新后重试"))
    case.version += 1


def record_entry(
    *,
    case: Case,
    name: str,
    actor: User,
    now: datetime,
    note: str,
    fields: dict[str, Any],
    to_state: str | None = None,
) -> CaseTransition:
    """A timeline entry that is not a workflow step (a correction, reopening, handover),
    recorded at `now`."""
    entry = CaseTransition(
        case_id=case.id,
        name=name,
        from_state=case.state,
        to_state=to_state or case.state,
        actor_id=actor.id,
        actor_name=actor.display_name,
        at=now,
        event_at=now,
        note=note,
        fields=fields,
    )
    case.transitions.append(entry)
    return entry


def may_act(case: Case, user: User) -> bool:
    """Contacts, uploads, transitions, packets: the owner, or a supervisor."""
    return may_fire(registry.workflow(case.type), case, user) and user.role != Role.ADMIN


def require_may_act(case: Case, user: User) -> None:
    if not may_act(case, user):
        raise Forbidden(_("只有案件负责人或主管可以处理此案件"))


def allowed_transitions(case: CaseKey, user: User) -> list[TransitionSpec]:
    workflow = registry.workflow(case.type)
    if not may_fire(workflow, case, user):
        return []
    return workflow.allowed(case.state, user.role)


def fire(
    *,
    session: Session,
    case: Case,
    transition: str,
    version: int,
    raw_fields: dict[str, Any],
    actor: User,
    now: datetime,
    note: str = "",
) -> Case:
    """Fire `transition` on `case`, or raise (409 stale, 403 role, 422 refused) changing
    nothing.

    1. The caller's version must be the case's (else StaleVersion).
    2. The transition must leave the current state, and the actor's role may fire it.
    3. Its fields must validate (event times not in the future), its guards must pass.
    4. A conditional UPDATE moves state and version, so a concurrent writer loses with 409.
    5. Clocks: the old state's exit actions, then the new state's entry actions, at the
       event time; entering a final state cancels whatever still runs.
    6. The timeline row and the audit event join the same transaction.
    """
    workflow = registry.workflow(case.type)
    require_version(case, version)
    spec = workflow.transition(transition)
    if spec is None:
        raise Invalid(_("没有名为「{name}」的操作").format(name=transition))
    if case.state not in spec.sources:
        raise Invalid(
            _("当前状态「{state}」不能执行「{action}」").format(
                state=workflow.state_label(case.state), action=str(spec.label)
            )
        )
    if actor.role not in spec.roles:
        raise Forbidden(_("您的角色不能执行「{action}」").format(action=str(spec.label)))
    if not may_fire(workflow, case, actor):
        raise Forbidden(
            _("只有案件负责人或主管可以执行「{action}」").format(action=str(spec.label))
        )
    values, event_at = field_rules.validate(spec, raw_fields, now)
    _check_chronology(workflow, case, spec, event_at)
    if len(note) > 2000 or "\x00" in note:
        raise Invalid(_("备注过长或含有不允许的字符"))
    case_type = registry.get(case.type)
    for guard in spec.guards:
        refusal = case_type.guards[guard.name](
            GuardContext(session=session, case=case, fields=values, now=now)
        )
        if refusal:
            raise Invalid(refusal)
    if (effect := case_type.effects.get(spec.name)) is not None:
        effect(session, case, values, actor, now)

    source = case.state
    before = {"state": source, "version": case.version}
    bump_version(session=session, case=case)  # someone else committed first: 409
    case.state = spec.target
    _run_clocks(session, workflow, case, source, spec, values, event_at)
    if (target := workflow.state(spec.target)) and target.final:
        deadlines.cancel_all(case=case, at=event_at)
        case.closed_at = now
    case.transitions.append(
        CaseTransition(
            case_id=case.id,
            name=spec.name,
            from_state=source,
            to_state=spec.target,
            actor_id=actor.id,
            actor_name=actor.display_name,
            at=now,
            event_at=event_at,
            note=note.strip(),
            fields=field_rules.jsonable(values),
        )
    )
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action=f"{case.type}.{spec.name}",
        subject_type="case",
        subject_id=case.id,
        before=before,
        after={
            "state": case.state,
            "version": case.version,
            "event_at": event_at.isoformat(),
            **field_rules.jsonable(values),
        },
        at=now,
    )
    return case


# A case page asks for the cases opened from it twice (the related cases, and its type's
# details: an injury's appraisals); read once until the next flush or the transaction's end.
_CHILDREN = "cases.children"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_transaction_end")
def _forget_children(session: Session, _context: object) -> None:
    session.info.pop(_CHILDREN, None)


def children(*, session: Session, case: Case) -> list[Case]:
    """The cases opened from this one, oldest first."""
    memo: dict[int, list[Case]] = session.info.setdefault(_CHILDREN, {})
    if case.id not in memo:
        memo[case.id] = list(
            session.scalars(select(Case).where(Case.parent_id == case.id).order_by(Case.id))
        )
    return memo[case.id]


def related(*, session: Session, case: Case) -> list[Case]:
    """The case it was opened from and the cases opened from it."""
    parent = session.get(Case, case.parent_id) if case.parent_id else None
    return ([parent] if parent else []) + children(session=session, case=case)


def require_version(case: Case, version: int) -> None:
    """The caller read the case at `version`; if it moved since, say who changed it, when
    and how (its last timeline entry), not version numbers."""
    if version == case.version:
        return
    last = max(case.transitions, key=lambda t: (t.at, t.id), default=None)
    if last is None or last.name == timeline.OPENING:
        raise StaleVersion(_("案件已被他人更新，请刷新后重试"))
    raise StaleVersion(
        _("{who} 已于 {when}「{what}」，案件已更新，请刷新后重试").format(
            who=last.actor_name,
            when=local(last.at).strftime("%Y-%m-%d %H:%M"),
            what=timeline.entry_label(registry.workflow(case.type), last.name),
        )
    )


def _check_chronology(
    workflow: Workflow, case: Case, spec: TransitionSpec, event_at: datetime
) -> None:
    """An event cannot precede the case's last standing event (the accident, a filing…):
    clocks started from it would start before their cause. A date-only event is compared
    by day, since it carries no time of day."""
    if not spec.event_field:
        return
    date_only = next(f.type for f in spec.fields if f.name == spec.event_field) is FieldType.DATE
    field = next(str(f.label) for f in spec.fields if f.name == spec.event_field)
    problem = timeline.order_problem(
        workflow, timeline.standing(workflow, case.transitions), None, event_at, date_only
    )
    if problem:
        message = _("{field}：{problem}").format(field=field, problem=problem)
        raise Invalid(message, field_errors={spec.event_field: message})


def _run_clocks(
    session: Session,
    workflow: Workflow,
    case: Case,
    source: str,
    spec: TransitionSpec,
    values: dict[str, Any],
    event_at: datetime,
) -> None:
    actions = workflow.clock_actions(spec, source, spec.target)
    _apply_clock_actions(
        session, workflow, case, actions, at=event_at, start_event=spec.label.zh, fields=values
    )


def _apply_clock_actions(
    session: Session,
    workflow: Workflow,
    case: Case,
    actions: Sequence[ClockAction],
    *,
    at: datetime,
    start_event: str,
    fields: dict[str, Any],
) -> None:
    """Carry out declared clock actions, in order, at one event time."""
    calendar = deadlines.load_calendar(session)
    for action in actions:
        deadlines.apply(
            session=session,
            case=case,
            action=action,
            spec=workflow.clock(action.kind),
            at=at,
            start_event=start_event,
            fields=fields,
            calendar=calendar,
        )


# --- finding cases and clocks ------------------------------------------------------------


DueClock = Row[int, int, str, str, datetime]  # id, case_id, kind, label, due_at


def clocks_due_within(*, session: Session, now: datetime, hours: int = 24) -> list[DueClock]:
    """Open clocks due from now to `hours` ahead, soonest first: the scan behind alerts and
    the supervisor's view. Served by the partial index on due_at WHERE status = 'open';
    returns plain rows (`.id`, `.case_id`, `.kind`, `.label`, `.due_at`), not ORM objects,
    because it runs over every open clock."""
    rows = session.execute(
        select(Clock.id, Clock.case_id, Clock.kind, Clock.label, Clock.due_at)
        .where(
            Clock.status == ClockStatus.OPEN.value,
            Clock.due_at >= now,
            Clock.due_at < now + timedelta(hours=hours),
        )
        .order_by(Clock.due_at)
    )
    return list(rows)
