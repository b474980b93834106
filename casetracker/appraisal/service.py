"""Opening an appraisal from its injury case, and what its conclusions say."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.benefits.case_view import BenefitsView, for_case
from casetracker.cases import service as case_service
from casetracker.cases import timeline
from casetracker.cases.models import Case, CaseTransition
from casetracker.core.clock import local
from casetracker.core.errors import Conflict
from casetracker.core.i18n import _
from casetracker.workflows import appraisal as workflow
from casetracker.workflows import injury as injury_workflow

RECOGNISED = "recognise"  # the injury transition whose decision an appraisal follows


def recognition(case: Case) -> CaseTransition | None:
    """The injury case's recognition decision as its timeline holds it (the latest)."""
    entries = [t for t in case.transitions if t.name == RECOGNISED]
    return max(entries, key=lambda t: (t.at, t.id)) if entries else None


def open_appraisal(*, session: Session, injury: Case, actor: User, now: datetime) -> Case:
    """An appraisal of a recognised injury: the injury's owner, client, person and region;
    its opening event is the recognition decision, so its steps may be dated back to it."""
    case_service.require_may_act(injury, actor)
    decided = recognition(injury) if injury.type == injury_workflow.TYPE else None
    if decided is None:
        raise Conflict(
            _("只有已认定为工伤的案件才能申请劳动能力鉴定（案件 #{id}）").format(id=injury.id)
        )
    person = injury.insured_name or injury.title
    return case_service.open_case(
        session=session,
        case_type=workflow.TYPE,
        client_id=injury.client_id,
        region_id=injury.region_id,
        owner=injury.owner,
        event_at=decided.event_at,
        now=now,
        insured_id=injury.insured_id,
        title=_("{person} 劳动能力鉴定").format(person=person),
        parent_id=injury.id,
    )


@dataclass(frozen=True)
class Conclusion:
    """The conclusion in force: the latest recorded (a provincial one replaces the first)."""

    concluded_on: str
    received_on: str
    grade: int | None
    nursing_level: int | None
    final: bool  # a second (provincial) appraisal's: no further appraisal


def conclusion(case: Case) -> Conclusion | None:
    entries = [t for t in case.transitions if t.name in ("conclude", "conclude_reappraisal")]
    if not entries:
        return None
    last = max(entries, key=lambda t: (t.event_at, t.id))
    fields = last.fields
    return Conclusion(
        concluded_on=str(fields.get("concluded_on") or ""),
        received_on=str(fields.get("received_on") or ""),
        grade=fields.get("grade"),
        nursing_level=fields.get("nursing_level"),
        final=last.name == "conclude_reappraisal",
    )


def opening_day(case: Case) -> date:
    """The day of a case's opening event (an injury's accident), China time."""
    opening = next((t for t in case.transitions if t.name == timeline.OPENING), None)
    return local(opening.event_at if opening else case.opened_at).date()


def benefits(*, session: Session, case: Case, injury: Case) -> BenefitsView:
    """The benefits of the injury by this appraisal's conclusion in force (本人工资 alone
    until there is one)."""
    found = conclusion(case)
    person = injury.insured
    return for_case(
        session=session,
        region_id=injury.region_id,
        id_number=person.id_number if person else None,
        injured_on=opening_day(injury),
        grade=found.grade if found else None,
        nursing_level=found.nursing_level if found else None,
        concluded_on=date.fromisoformat(found.concluded_on)
        if found and found.concluded_on
        else None,
    )


def latest_concluded(*, session: Session, injury: Case) -> Case | None:
    """The injury's appraisal with the latest conclusion in force, if any."""
    concluded = [
        c for c in case_service.children(session=session, case=injury) if c.type == workflow.TYPE
    ]
    dated = [(conclusion(c), c) for c in concluded]
    with_one = [(found.concluded_on, c.id, c) for found, c in dated if found is not None]
    return max(with_one)[2] if with_one else None
