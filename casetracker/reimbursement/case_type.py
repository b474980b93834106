"""The claim duty's entry on the engine: its workflow, what its transitions do to the
invoices and the money, its guard and details."""

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy.orm import Session

from casetracker.cases.models import Case
from casetracker.cases.types import CaseType, GuardContext, NavEntry, PacketData, PacketSpec
from casetracker.core.i18n import N_, in_locale
from casetracker.reimbursement import claims
from casetracker.reimbursement.models import INVOICE_STATUSES, ClaimDetails, Invoice
from casetracker.workflows import reimbursement as workflow
from casetracker.workflows.engine import Label


def _originals_back(context: GuardContext) -> str | None:
    return claims.originals_back(context.session, context.case)


@dataclass(frozen=True)
class ClaimView:
    details: ClaimDetails
    invoices: list[Invoice]
    statuses: dict[str, str] = field(default_factory=lambda: INVOICE_STATUSES)

    @property
    def total(self) -> Decimal:
        return sum((i.amount for i in self.invoices), Decimal("0.00"))


def _details(session: Session, case: Case) -> ClaimView | None:
    found = session.get(ClaimDetails, case.id)
    return ClaimView(found, claims.invoices_of(session, case)) if found else None


def _packet_data(session: Session, case: Case) -> PacketData:
    found = _details(session, case)
    inputs = repr([(i.id, i.code, i.number, i.amount) for i in found.invoices]) if found else ""
    return PacketData({"claim": found}, inputs)


def _list_missing(_session: Session, case: Case) -> list[Label]:
    """Final once submitted: the list handed in is the claim's."""
    if case.state == "draft":
        return [Label(N_("提交报销"), in_locale("en", N_("提交报销")))]
    return []


CASE_TYPE = CaseType(
    workflow=workflow.WORKFLOW,
    guards={workflow.ORIGINALS_BACK.name: _originals_back},
    effects={
        "submit": claims.submit,
        "approve": claims.approve,
        "pay": claims.pay,
        "post": claims.post,
    },
    corrections={
        "submit": claims.nothing,  # its date only: the invoices stay as they are now
        "approve": claims.correct_approval,
        "pay": claims.pay,
        "post": claims.post,
    },
    nav=(NavEntry("/ledger", Label("上账台账", "Ledger")),),
    details_template="reimbursement/_details.html",
    sections_template="reimbursement/_invoices.html",
    load_details=_details,
    packets=(
        PacketSpec(
            "invoice_list",
            Label("报销票据清单", "Claim's invoice list"),
            ("reimbursement/invoice_list.html",),
            attachments=False,
            missing=_list_missing,
            data=_packet_data,
        ),
    ),
)
