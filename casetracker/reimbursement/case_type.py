"""The claim duty's entry on the engine: its workflow, what its transitions do to the
invoices and the money, its guard and details."""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from casetracker.cases.models import Case
from casetracker.cases.types import CaseType, GuardContext, NavEntry
from casetracker.reimbursement import claims
from casetracker.reimbursement.models import ClaimDetails, Invoice
from casetracker.workflows import reimbursement as workflow
from casetracker.workflows.engine import Label


def _originals_back(context: GuardContext) -> str | None:
    return claims.originals_back(context.session, context.case)


@dataclass(frozen=True)
class ClaimView:
    details: ClaimDetails
    invoices: list[Invoice]


def _details(session: Session, case: Case) -> ClaimView | None:
    found = session.get(ClaimDetails, case.id)
    return ClaimView(found, claims.invoices_of(session, case)) if found else None


CASE_TYPE = CaseType(
    workflow=workflow.WORKFLOW,
    guards={workflow.ORIGINALS_BACK.name: _originals_back},
    effects={
        "submit": claims.submit,
        "approve": claims.approve,
        "pay": claims.pay,
        "post": claims.post,
    },
    nav=(NavEntry("/ledger", Label("上账台账", "Ledger")),),
    details_template="reimbursement/_details.html",
    sections_template="reimbursement/_invoices.html",
    load_details=_details,
)
