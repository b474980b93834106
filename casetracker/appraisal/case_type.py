"""The appraisal duty's entry on the engine: its workflow, guards, details and packet."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from casetracker.appraisal import service
from casetracker.benefits.case_view import BenefitsView
from casetracker.cases.models import Case
from casetracker.cases.types import CaseType, GuardContext, OpenedFrom, PacketSpec
from casetracker.core.i18n import N_, _, in_locale
from casetracker.materials import service as materials_service
from casetracker.workflows import appraisal as workflow
from casetracker.workflows import injury as injury_workflow
from casetracker.workflows.engine import Label


def _materials_complete(context: GuardContext) -> str | None:
    missing = materials_service.missing_shown(session=context.session, case=context.case)
    if not missing:
        return None
    return _("材料不齐，不能提交鉴定申请。缺少：{items}").format(items="、".join(missing))


def _first_conclusion(context: GuardContext) -> str | None:
    found = service.conclusion(context.case)
    if found is not None and found.final:
        return _("省级再次鉴定结论为最终结论，不能再申请再次鉴定")
    return None


def _received_after(context: GuardContext) -> str | None:
    made, received = context.fields.get("concluded_on"), context.fields.get("received_on")
    if isinstance(made, date) and isinstance(received, date) and received < made:
        return _("收到结论的日期不能早于结论作出的日期")
    return None


@dataclass(frozen=True)
class AppraisalView:
    parent: Case | None
    conclusion: service.Conclusion | None
    benefits: BenefitsView | None


def _details(session: Session, case: Case) -> AppraisalView:
    parent = session.get(Case, case.parent_id) if case.parent_id else None
    found = service.benefits(session=session, case=case, injury=parent) if parent else None
    return AppraisalView(parent, service.conclusion(case), found)


def _application_missing(session: Session, case: Case) -> list[Label]:
    missing = [] if case.insured is not None else [Label(N_("员工"), in_locale("en", N_("员工")))]
    return missing + [
        Label(item.name, item.name_en or item.name)
        for item in materials_service.missing_items(session=session, case=case)
    ]


_APPLIED_ON = frozenset({"applied", "concluded", "reappraisal_requested", "closed"})

CASE_TYPE = CaseType(
    workflow=workflow.WORKFLOW,
    guards={
        workflow.MATERIALS_COMPLETE.name: _materials_complete,
        workflow.FIRST_CONCLUSION.name: _first_conclusion,
        workflow.RECEIVED_AFTER.name: _received_after,
    },
    opened_from=OpenedFrom(
        injury_workflow.TYPE,
        "appraisals",
        Label("发起劳动能力鉴定", "Open a labour-capacity appraisal"),
        lambda case: service.recognition(case) is not None,
    ),
    details_template="appraisal/_details.html",
    sections_template="appraisal/_sections.html",
    load_details=_details,
    packets=(
        PacketSpec(
            "appraisal_application",
            Label("劳动能力鉴定申请材料", "Appraisal application packet"),
            ("appraisal/application.html",),
            attachments=True,
            final_states=_APPLIED_ON,
            missing=_application_missing,
        ),
    ),
)
