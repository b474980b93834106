"""Pages: invoices recorded and claimed from the injury page, originals back; the ledger of
postings by month (and as XLSX); an injury's invoices as XLSX."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session
from starlette.responses import Response

from casetracker.auth.models import Role, User
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.cases.views import case_page, section_refused
from casetracker.core import clock, i18n
from casetracker.core.errors import DomainError, Invalid
from casetracker.core.i18n import N_, _
from casetracker.core.validation import parse_int
from casetracker.materials.models import Attachment
from casetracker.reconcile import workbook
from casetracker.reimbursement import claims, invoices, ledger, qr, scans
from casetracker.reimbursement.api import parse_month
from casetracker.reimbursement.models import INVOICE_KINDS, INVOICE_STATUSES
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
from casetracker.web.uploads import read_upload

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
            tr(INVOICE_KINDS[r.kind]),
            r.amount,
            r.approved_amount,
            tr(INVOICE_STATUSES[r.status]),
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


# The invoice form's fields, echoed back into it when the page is shown again.
FORM_FIELDS = ("code", "number", "issued_on", "hospital", "amount", "kind", "scan_id")
Photo = Annotated[UploadFile | None, File()]


@dataclass(frozen=True)
class Chosen:
    """The file chosen in a form's file input (empty when it was left empty)."""

    filename: str = ""
    content: bytes = b""


InvoiceWork = Callable[[Request, Session, User, Case, Mapping[str, str], Chosen], Response]


def _echo(form: Mapping[str, str], **more: str) -> dict[str, str]:
    return {key: form.get(key, "")[:100] for key in FORM_FIELDS} | more


async def _photo(scan: UploadFile | None, *, required: bool) -> Chosen:
    if scan is None or not scan.filename:
        if required:
            raise Invalid(_("请先选择票据的照片或扫描件"), field_errors={"scan": ""})
        return Chosen()
    return Chosen(scan.filename, await read_upload(scan))


async def _with_photo(
    request: Request,
    session: Session,
    user: User,
    case: Case,
    form: Mapping[str, str],
    scan: UploadFile | None,
    work: InvoiceWork,
    *,
    required: bool,
) -> Response:
    """The invoice form's photo read (too large, or missing when `required`: refused on the
    injury's page with the form as typed), then `work` off the event loop."""
    try:
        photo = await _photo(scan, required=required)
    except Invalid as exc:
        return await run_in_threadpool(
            section_refused, request, session, case, user, "invoices", exc, invoice_form=_echo(form)
        )
    return await run_in_threadpool(work, request, session, user, case, form, photo)


def _store(session: Session, case: Case, user: User, photo: Chosen, now: datetime) -> Attachment:
    return scans.store(
        session=session,
        case=case,
        filename=photo.filename,
        content=photo.content,
        actor=user,
        now=now,
    )


@router.post("/cases/{case_id}/invoices")
async def add_invoice(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    case: WorkableCase,
    form: FormFields,
    scan: Photo = None,
) -> Response:
    """An invoice typed (or prefilled from its QR code and checked) on the injury's page,
    with its photo when one was chosen (or read before: `scan_id`)."""
    return await _with_photo(request, session, user, case, form, scan, _add, required=False)


def _add(
    request: Request,
    session: Session,
    user: User,
    case: Case,
    form: Mapping[str, str],
    chosen: Chosen,
) -> Response:
    def step() -> None:
        now = clock.now()
        values = invoices.from_form(form, today=clock.local(now).date())
        photo = None
        if chosen.content:
            photo = _store(session, case, user, chosen, now)
        elif scan_id := parse_int(form.get("scan_id", "")):
            photo = scans.unlinked(session=session, case=case, scan_id=scan_id)
        invoices.add(session=session, case=case, actor=user, now=now, scan=photo, **values)

    return _step(request, session, user, case, step, invoice_form=_echo(form))


@router.post("/cases/{case_id}/invoices/read")
async def read_photo(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    case: WorkableCase,
    form: FormFields,
    scan: Photo = None,
) -> Response:
    """读取二维码: the chosen photo is kept on the case and its QR code read; the form comes
    back filled with what the code holds, for the person to check and then record. Nothing
    of the invoice is saved here."""
    return await _with_photo(request, session, user, case, form, scan, _read, required=True)


def _read(
    request: Request,
    session: Session,
    user: User,
    case: Case,
    form: Mapping[str, str],
    chosen: Chosen,
) -> Response:
    try:
        with session.begin_nested():
            photo = _store(session, case, user, chosen, clock.now())
    except DomainError as exc:
        return section_refused(
            request, session, case, user, "invoices", exc, invoice_form=_echo(form)
        )
    echo = _echo(form, scan_id=str(photo.id), scan_name=photo.filename)
    found = qr.read(chosen.content)
    if found.reason:
        note = _("照片已保存，但二维码未能识别：{why}。请照票面手工填写。").format(
            why=_(found.reason)
        )
        filled: list[str] = []
    else:
        prefill = {
            "code": found.code,
            "number": found.number,
            "issued_on": found.issued_on.isoformat() if found.issued_on else "",
            "amount": f"{found.amount:.2f}" if found.amount is not None else "",
        }
        filled = [key for key, value in prefill.items() if value]
        echo |= {key: prefill[key] for key in filled}
        note = _("已从二维码读出下列标黄的栏目，请对照票面核对，无误后点“登记票据”。")
        holder = invoices.holder_of(session, found.code, found.number) if found.number else None
        if holder is not None:
            note += _("注意：这张票据已登记在案件 #{id}。").format(id=holder)
    return case_page(
        request, session, case, user, invoice_form=echo, invoice_note=note, invoice_filled=filled
    )


@router.post("/invoices/{invoice_id}/scan")
async def upload_scan(
    request: Request, session: DbSession, user: CurrentUser, invoice_id: RowId, scan: Photo = None
) -> Response:
    """A recorded invoice's photo or scan (a second one supersedes the first)."""
    try:
        photo = await _photo(scan, required=True)
    except Invalid as exc:
        return await run_in_threadpool(_refused, request, session, user, invoice_id, exc)
    return await run_in_threadpool(_scan, request, session, user, invoice_id, photo)


def _injury_of(session: Session, invoice_id: int) -> Case:
    row = invoices.require(session, invoice_id)
    return case_service.require_case(session=session, case_id=row.case_id)


def _refused(
    request: Request, session: Session, user: User, invoice_id: int, exc: DomainError
) -> Response:
    return section_refused(request, session, _injury_of(session, invoice_id), user, "invoices", exc)


def _scan(
    request: Request, session: Session, user: User, invoice_id: int, chosen: Chosen
) -> Response:
    case = _injury_of(session, invoice_id)

    def step() -> None:
        now = clock.now()
        scans.link(
            session=session,
            invoice=invoices.require(session, invoice_id),
            scan=_store(session, case, user, chosen, now),
            actor=user,
            now=now,
        )

    return _step(request, session, user, case, step)


def _step(
    request: Request,
    session: Session,
    user: User,
    case: Case,
    step: Callable[[], object],
    **refused: object,
) -> Response:
    """`step` done whole (back to the injury's invoices), or refused and undone (the
    injury's page again, the reason in its invoices section; `refused`: what else it shows)."""
    try:
        with session.begin_nested():
            step()
    except DomainError as exc:
        return section_refused(request, session, case, user, "invoices", exc, **refused)
    return RedirectResponse(f"/cases/{case.id}#invoices", 303)


@router.post("/invoices/{invoice_id}/reversal")
def reverse(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    invoice_id: RowId,
    replaced_by_id: Annotated[str, Form(max_length=12)] = "",
) -> Response:
    """红冲 from the injury's page: the invoice and the one that replaces it."""
    return _step(
        request,
        session,
        user,
        _injury_of(session, invoice_id),
        lambda: invoices.reverse(
            session=session,
            invoice_id=invoice_id,
            replaced_by_id=parse_int(replaced_by_id) or 0,
            actor=user,
            now=clock.now(),
        ),
    )


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
