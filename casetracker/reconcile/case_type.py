"""The monthly batch's entry on the engine: its workflow, guards, the cut-off day's length,
what its transitions store, and its details on the case page."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.cases.models import Case
from casetracker.cases.types import CaseType, GuardContext, NavEntry, PacketSpec
from casetracker.core.errors import DomainError
from casetracker.core.i18n import _
from casetracker.people.models import InsuredPerson
from casetracker.people.panels import PersonPanel
from casetracker.reconcile import batch, daily, declaration, report
from casetracker.reconcile.models import (
    BatchDetails,
    BatchItem,
    BillLine,
    DailyCheck,
    ImportJob,
)
from casetracker.workflows import daily_check as daily_workflow
from casetracker.workflows import monthly_batch as workflow
from casetracker.workflows.engine import Label


def _bill_ready(context: GuardContext) -> str | None:
    try:
        batch.require_bill_job(context.session, context.case, context.fields.get("job_id"))
    except DomainError as exc:
        return exc.message
    return None


def _items_resolved(context: GuardContext) -> str | None:
    left = batch.open_items(context.session, context.case.id)
    if not left:
        return None
    return _("还有 {n} 项差异没有处理，不能结束本月").format(n=left)


def _month_cutoff(session: Session, case: Case) -> tuple[int, str]:
    """From the month's first day to the region's cut-off day (its `cutoff_day`)."""
    day = case.region.cutoff_day
    return max(day - 1, 0), _("{region}每月 {day} 日申报截止（参保地设置）").format(
        region=case.region.name, day=day
    )


def _store_deduction(
    session: Session, case: Case, fields: Mapping[str, Any], _actor: Any, _now: datetime
) -> None:
    amount = fields.get("deducted_amount")
    batch.details(session, case).deducted_amount = amount if isinstance(amount, Decimal) else None


@dataclass
class BatchView:
    """What the case page shows of a batch."""

    details: BatchDetails
    items: list[BatchItem]
    counts: dict[str, int]
    open_items: int
    jobs: list[ImportJob]
    difference: Decimal | None = None
    categories: dict[str, str] = field(default_factory=lambda: batch.CATEGORIES)
    resolutions: dict[str, str] = field(default_factory=lambda: batch.RESOLUTIONS)
    suggested: dict[str, str] = field(default_factory=lambda: batch.SUGGESTED)


def _details(session: Session, case: Case) -> BatchView | None:
    found = session.get(BatchDetails, case.id)
    if found is None:
        return None
    items = list(
        session.scalars(
            select(BatchItem).where(BatchItem.case_id == case.id).order_by(BatchItem.id)
        )
    )
    counts: dict[str, int] = {}
    for item in items:
        counts[item.category] = counts.get(item.category, 0) + 1
    jobs = list(
        session.scalars(
            select(ImportJob).where(ImportJob.case_id == case.id).order_by(ImportJob.id.desc())
        )
    )
    difference = (
        found.deducted_amount - found.bill_total
        if found.deducted_amount is not None and found.bill_total is not None
        else None
    )
    return BatchView(
        details=found,
        items=items,
        counts=counts,
        open_items=sum(1 for item in items if item.resolution is None),
        jobs=jobs,
        difference=difference,
    )


@dataclass
class History:
    """A person's bill lines over the months, newest first (their contribution history)."""

    lines: list[BillLine]


def _history(session: Session, person: InsuredPerson) -> History | None:
    lines = list(
        session.scalars(
            select(BillLine)
            .where(BillLine.id_number == person.id_number)
            .order_by(BillLine.period.desc(), BillLine.id.desc())
            .limit(36)
        )
    )
    return History(lines) if lines else None


CASE_TYPE = CaseType(
    workflow=workflow.WORKFLOW,
    guards={
        workflow.BILL_READY.name: _bill_ready,
        workflow.ITEMS_RESOLVED.name: _items_resolved,
    },
    details_template="reconcile/_batch_facts.html",
    sections_template="reconcile/_batch.html",
    load_details=_details,
    nav=(NavEntry("/reconcile", Label("月度对账", "Monthly reconciliation")),),
    length_rules={"month_cutoff": _month_cutoff},
    person_panels=(PersonPanel("reconcile/_history.html", _history),),
    effects={
        "import_bill": batch.store_bill,
        "reconcile": batch.compute_items,
        "confirm_deduction": _store_deduction,
    },
    packets=(
        PacketSpec(
            "declaration_list",
            Label("增减员申报表", "Enrolment and stop list"),
            ("reconcile/declaration_list.html",),
            attachments=False,
            missing=declaration.missing,
            data=declaration.packet_data,
        ),
        PacketSpec(
            report.PACKET,
            Label("月度报告", "Monthly report"),
            ("reconcile/monthly_report.html",),
            attachments=False,
            missing=report.missing,
            data=report.packet_data,
        ),
    ),
)


def _check_uploaded(context: GuardContext) -> str | None:
    if daily.uploaded(context.session, context.case, context.fields.get("checked_on")):
        return None
    return _("请先上传当天的外地名单和业务员增减员名单")


@dataclass
class DailyView:
    checks: list[DailyCheck]
    differences: dict[str, str] = field(default_factory=lambda: daily.DIFFERENCES)


def _daily_details(session: Session, case: Case) -> DailyView:
    return DailyView(daily.checks(session, case))


DAILY_CASE_TYPE = CaseType(
    workflow=daily_workflow.WORKFLOW,
    guards={daily_workflow.CHECK_UPLOADED.name: _check_uploaded},
    load_details=_daily_details,
    sections_template="reconcile/_daily.html",
)
