"""The work-injury duty's entry on the engine: its workflow, guard, details and packets."""

from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from casetracker.appraisal import service as appraisal_service
from casetracker.benefits.case_view import BenefitsView, for_case
from casetracker.cases.models import Case, ClockTerm
from casetracker.cases.types import CaseType, GuardContext, NavEntry, PacketSpec
from casetracker.core.errors import Invalid
from casetracker.core.i18n import N_, _, in_locale
from casetracker.injury import service as injury_service
from casetracker.injury.intake_fields import INTAKE_FIELDS
from casetracker.injury.models import InjuryDetails
from casetracker.materials import service as materials_service
from casetracker.people.models import Region
from casetracker.reimbursement import invoices as invoice_service
from casetracker.reimbursement.models import INVOICE_KINDS, INVOICE_STATUSES, Invoice
from casetracker.workflows import injury as workflow
from casetracker.workflows.engine import Label


def _materials_complete(context: GuardContext) -> str | None:
    missing = materials_service.missing_shown(session=context.session, case=context.case)
    if not missing:
        return None
    return _("材料不齐，不能提交申请。缺少：{items}").format(items="、".join(missing))


def _paid_leave_extension(context: GuardContext) -> str | None:
    extension = context.fields.get("extension_months") or 0
    approved = context.fields.get("extension_approved_on")
    if extension and approved is None:
        return _("延长停工留薪期须写明确认日期")
    if approved is not None and not extension:
        return _("写了延长确认日期，却没有写延长几个月")
    start = context.fields.get("leave_start")
    if isinstance(start, date) and isinstance(approved, date) and approved < start:
        return _("延长确认日期不能早于停工留薪起始日期")
    return None


def _store_paid_leave(
    session: Session, case: Case, fields: Mapping[str, Any], _actor: Any, _now: datetime
) -> None:
    details = injury_service.details(session=session, case=case)
    if details is None:
        raise Invalid(_("案件没有事故信息，不能登记停工留薪期"))
    details.paid_leave_start = fields.get("leave_start")
    details.paid_leave_months = fields.get("leave_months")
    details.paid_leave_extension_months = fields.get("extension_months") or 0
    details.paid_leave_extension_approved_on = fields.get("extension_approved_on")
    session.flush()


def _paid_leave_length(session: Session, case: Case) -> tuple[int, str]:
    """The months recorded, with the extension (at most 12 + 12), as the basis says."""
    details = injury_service.details(session=session, case=case)
    months = (details.paid_leave_months or 0) if details else 0
    extension = (details.paid_leave_extension_months or 0) if details else 0
    if extension and details is not None and details.paid_leave_extension_approved_on:
        return months + extension, _(
            "《工伤保险条例》第三十三条：停工留薪期 {months} 个月，经确认延长 {extension} 个月"
            "（{day} 确认）"
        ).format(months=months, extension=extension, day=details.paid_leave_extension_approved_on)
    return months, _("《工伤保险条例》第三十三条：停工留薪期 {months} 个月").format(months=months)


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


class InjuryView:
    """The accident's record as the page and the packets read it (its columns), with the
    benefits its latest appraisal's conclusion gives (本人工资 alone before one)."""

    def __init__(
        self,
        row: InjuryDetails,
        benefits: BenefitsView,
        invoices: tuple[list[Invoice], Decimal],  # as `invoices.listing` gives them, with the total
    ) -> None:
        self._row = row
        self.benefits = benefits
        self.invoices, self.invoice_total = invoices
        self.invoice_kinds = INVOICE_KINDS
        self.invoice_statuses = INVOICE_STATUSES

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def _details(session: Session, case: Case) -> object | None:
    row = injury_service.details(session=session, case=case)
    if row is None:
        return None
    listed = invoice_service.listing(session=session, case=case)
    appraisal = appraisal_service.latest_concluded(session=session, injury=case)
    if appraisal is not None:
        found = appraisal_service.benefits(session=session, case=appraisal, injury=case)
        return InjuryView(row, found, listed)
    person = case.insured
    return InjuryView(
        row,
        for_case(
            session=session,
            region_id=case.region_id,
            id_number=person.id_number if person else None,
            injured_on=appraisal_service.opening_day(case),
            grade=None,
            nursing_level=None,
            concluded_on=None,
        ),
        listed,
    )


# What the accident report needs filled in to be final: who was hurt, and the accident's
# time, place, course and injured body part. The hospital, the reporter and phone numbers
# print when known but may follow (no hospital yet, the employee called in person).
_ACCIDENT_FACTS = (
    ("accident_at", N_("事故时间")),
    ("place", N_("事故地点")),
    ("description", N_("事故经过")),
    ("injured_part", N_("受伤部位")),
)


def _both(message: str) -> Label:
    return Label(message, in_locale("en", message))


def _accident_missing(session: Session, case: Case) -> list[Label]:
    """What the accident report (and the application form, which prints the same facts)
    still lacks."""
    missing = [] if case.insured is not None else [_both(N_("员工"))]
    details = injury_service.details(session=session, case=case)
    return missing + [
        _both(label)
        for name, label in _ACCIDENT_FACTS
        if details is None or not str(getattr(details, name) or "").strip()
    ]


def _application_missing(session: Session, case: Case) -> list[Label]:
    """The application form's facts and every required checklist item uploaded."""
    return _accident_missing(session, case) + [
        Label(item.name, item.name_en or item.name)
        for item in materials_service.missing_items(session=session, case=case)
    ]


def _summary_missing(_session: Session, case: Case) -> list[Label]:
    """A summary is final once the case has ended (closed or withdrawn)."""
    return [] if case.closed_at is not None else [_both(N_("结案（案件尚未结束）"))]


# From the submission on, the checklist's uploads are on file with the bureau.
_SUBMITTED_ON = frozenset(
    {
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
    guards={
        workflow.MATERIALS_COMPLETE.name: _materials_complete,
        workflow.PAID_LEAVE_EXTENSION.name: _paid_leave_extension,
    },
    effects={"record_paid_leave": _store_paid_leave},
    corrections={"record_paid_leave": _store_paid_leave},  # it stores what the step says
    length_rules={"paid_leave": _paid_leave_length},
    details_template="injury/_details.html",
    sections_template="injury/_sections.html",
    load_details=_details,
    intake_fields=INTAKE_FIELDS,
    nav=(NavEntry("/injury/new", Label("登记工伤", "Record an injury")),),
    packets=(
        PacketSpec(
            "accident_report",
            Label("工伤事故快报表", "Accident report form"),
            ("injury/accident_report.html",),
            attachments=False,
            missing=_accident_missing,
        ),
        PacketSpec(
            "recognition_application",
            Label("工伤认定申请材料", "Recognition application packet"),
            ("injury/materials_cover.html", "injury/recognition_application.html"),
            attachments=True,
            final_states=_SUBMITTED_ON,
            missing=_application_missing,
        ),
        PacketSpec(
            "case_summary",
            Label("案件摘要", "Case summary"),
            ("injury/case_summary.html",),
            attachments=False,
            missing=_summary_missing,
        ),
    ),
)
