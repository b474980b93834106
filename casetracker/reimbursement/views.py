"""Pages: invoices recorded and claimed from the injury page, originals back; the ledger of
postings by month (and as XLSX); an injury's invoices as XLSX."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from casetracker.auth.models import Role, User
from casetracker.cases.views import section_refused
from casetracker.core import clock, i18n
from casetracker.core.errors import DomainError
from casetracker.core.i18n import N_
from casetracker.core.validation import parse_int
from casetracker.reconcile import workbook
from casetracker.reimbursement import claims, invoices, ledger
from casetracker.reimbursement.api import parse_month
from casetracker.web.deps import (
    CurrentCase,
    CurrentUser,
    DbSession,
    FormFields,
    RowId,
    WorkableCase,
    require_role,
)
from casetracker.web.responses import xlsx_response
from casetracker.web.templating import render

router = APIRouter(include_in_schema=False)
Bookkeeper = Annotated[User, Depends(require_role(Role.SPECIALIST, Role.SUPERVISOR))]
MonthText = Annotated[str, Query(max_length=7)]


@router.get("/ledger")
def ledger_page(
    request: Request, session: DbSession, _user: Bookkeeper, month: MonthText = ""
) -> Response:
    try:
        found = ledger.ledger(session=session, month=parse_month(month or str(ledger.this_month())))
    except DomainError as exc:
        return render(
            request,
            "reimbursement/ledger.html",
            {"l": None, "error": exc.message, "month": month},
            status_code=exc.status_code,
        )
    return render(request, "reimbursement/ledger.html", {"l": found, "month": found.month})


@router.get("/ledger.xlsx")
def ledgerxlsx_response(session: DbSession, _user: Bookkeeper, month: MonthText = "") -> Response:
    found = ledger.ledger(session=session, month=parse_month(month or str(ledger.this_month())))
    return xlsx_response(ledger.export(found, i18n.translate), f"上账台账 {found.month}.xlsx")


@router.get("/cases/{case_id}/invoices.xlsx")
def invoicesxlsx_response(session: DbSession, _user: Bookkeeper, case: CurrentCase) -> Response:
    rows, total = invoices.listing(session=session, case=case)
    tr = i18n.translate
    lines: list[list[object]] = [
        [
            r.code or None,
            r.number,
            r.issued_on,
            r.hospital,
            r.kind,
            r.amount,
            r.approved_amount,
            r.status,
        ]  # fmt: skip
        for r in rows
    ]
    lines.append([tr(N_("合计")), None, None, None, None, total, None, None])
    content = workbook.tables_workbook(
        [
            (
                tr(N_("医疗票据")),
                [
                    N_("票据代码"),
                    N_("票据号码"),
                    N_("开票日期"),
                    N_("医院或药店"),
                    N_("类别"),
                    N_("金额"),
                    N_("核准金额"),
                    N_("状态"),
                ],
                lines,
            )
        ],
        tr,
    )
    return xlsx_response(content, f"{case.title} 医疗票据.xlsx")


@router.post("/cases/{case_id}/invoices")
def add_invoice(
    request: Request, session: DbSession, user: CurrentUser, case: WorkableCase, form: FormFields
) -> Response:
    """An invoice typed (or prefilled from its QR code and checked) on the injury's page."""
    try:
        with session.begin_nested():
            invoices.add(
                session=session,
                case=case,
                actor=user,
                now=clock.now(),
                **invoices.from_form(form, today=clock.local(clock.now()).date()),
            )
    except DomainError as exc:
        return section_refused(request, session, case, user, "invoices", exc)
    return RedirectResponse(f"/cases/{case.id}#invoices", 303)


@router.post("/cases/{case_id}/claims")
def open_claim(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    case: WorkableCase,
    invoice_ids: Annotated[list[str], Form(max_length=1000)] = [],  # noqa: B006
) -> Response:
    ids = [n for n in (parse_int(i) for i in invoice_ids) if n is not None and n > 0]
    try:
        with session.begin_nested():
            claim = claims.open_claim(
                session=session, injury=case, invoice_ids=ids, actor=user, now=clock.now()
            )
    except DomainError as exc:
        return section_refused(request, session, case, user, "invoices", exc)
    return RedirectResponse(f"/cases/{claim.id}", 303)


@router.post("/invoices/{invoice_id}/original")
def record_original(
    session: DbSession,
    user: CurrentUser,
    invoice_id: RowId,
    outcome: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    row = claims.record_original(
        session=session, invoice_id=invoice_id, outcome=outcome, actor=user, now=clock.now()
    )
    return RedirectResponse(f"/cases/{row.claim_id or row.case_id}#invoices", 303)
