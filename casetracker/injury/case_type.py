"""The work-injury duty's entry on the engine: its workflow, guard, details and packets."""

from sqlalchemy.orm import Session

from casetracker.cases.models import Case, ClockTerm
from casetracker.cases.types import CaseType, GuardContext, NavEntry, PacketSpec
from casetracker.core.i18n import _
from casetracker.injury import service as injury_service
from casetracker.materials import service as materials_service
from casetracker.people.models import Region
from casetracker.workflows import injury as workflow
from casetracker.workflows.engine import Label


def _materials_complete(context: GuardContext) -> str | None:
    missing = materials_service.missing_required(session=context.session, case=context.case)
    if not missing:
        return None
    return _("材料不齐，不能提交申请。缺少：{items}").format(items="、".join(missing))


def regional_terms(region: Region, *, report_hours: int, written_days: int) -> list[ClockTerm]:
    """A region's own injury report windows (its local regulation), as ClockTerm rows that
    replace the workflow's 24 hours / 5 working days there."""
    return [
        ClockTerm(
            region_id=region.id,
            case_type=workflow.TYPE,
            kind=spec.kind,
            unit=spec.unit,
            length=length,
            basis=f"{spec.basis}：{region.name}",
            overrides=True,
        )
        for spec, length in (
            (workflow.WORKFLOW.clock("filing_report"), report_hours),
            (workflow.WORKFLOW.clock("written_report"), written_days),
        )
    ]


def _details(session: Session, case: Case) -> object | None:
    return injury_service.details(session=session, case=case)


# From the filing on, the accident report is what was filed.
_FILED_ON = frozenset(
    {
        "filed",
        "submitted",
        "correction_requested",
        "accepted",
        "suspended",
        "recognised",
        "not_recognised",
        "closed",
    }
)

CASE_TYPE = CaseType(
    workflow=workflow.WORKFLOW,
    guards={workflow.MATERIALS_COMPLETE.name: _materials_complete},
    details_template="injury/_details.html",
    load_details=_details,
    nav=(NavEntry("/injury/new", Label("登记工伤", "Record an injury")),),
    packets=(
        PacketSpec(
            "accident_report",
            Label("工伤事故快报表", "Accident report form"),
            ("injury/accident_report.html",),
            attachments=False,
            final_states=_FILED_ON,
        ),
        PacketSpec(
            "recognition_application",
            Label("工伤认定申请材料", "Recognition application packet"),
            ("injury/materials_cover.html", "injury/recognition_application.html"),
            attachments=True,
            final_states=_FILED_ON - {"filed"},
        ),
        PacketSpec(
            "case_summary",
            Label("案件摘要", "Case summary"),
            ("injury/case_summary.html",),
            attachments=False,
            final_states=frozenset({"closed", "withdrawn"}),
        ),
    ),
)
