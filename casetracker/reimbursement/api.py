"""JSON API: an injury's invoices."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Depends, File, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from casetracker.auth.models import Role, User
from casetracker.cases import service as case_service
from casetracker.cases.schemas import case_out
from casetracker.core import clock
from casetracker.core.errors import Invalid
from casetracker.core.i18n import N_, _
from casetracker.core.validation import Day, PositiveMoneyText, text
from casetracker.reconcile.classes import Month
from casetracker.reimbursement import claims, invoices, ledger, qr, scans
from casetracker.reimbursement.models import Invoice, InvoiceKind
from casetracker.web.deps import CaseId, DbSession, RowId, require_api_role
from casetracker.web.errors import API_ERRORS
from casetracker.web.uploads import read_upload

router = APIRouter(prefix="/api/v1", tags=["reimbursement"], responses=API_ERRORS)
ApiCaller = Annotated[User, Depends(require_api_role())]


def _not_future(value: date) -> date:
    if value > clock.local(clock.now()).date():
        raise ValueError(_("不能晚于今天"))
    return value


class InvoiceIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "31060124",
                    "number": "0012345678",
                    "issued_on": "2026-11-21",
                    "hospital": "上海市第六人民医院",
                    "amount": "1234.57",
                    "kind": "outpatient",
                }
            ]
        },
    )

    code: text(40) = Field(default="", title=N_("票据代码（数电票没有）"))  # type: ignore[valid-type]
    number: text(40, min_length=1) = Field(title=N_("票据号码"))  # type: ignore[valid-type]
    issued_on: Annotated[Day, AfterValidator(_not_future)] = Field(title=N_("开票日期"))
    hospital: text(100, min_length=1) = Field(title=N_("医院或药店"))  # type: ignore[valid-type]
    amount: PositiveMoneyText = Field(title=N_("金额"))
    kind: InvoiceKind = Field(title=N_("类别"))


class InvoiceOut(BaseModel):
    id: int
    case_id: int
    code: str
    number: str
    issued_on: date
    hospital: str
    amount: str
    kind: str
    status: str
    replaced_by_id: int | None
    scan_id: int | None


class InvoiceList(BaseModel):
    items: list[InvoiceOut]
    total: str


def invoice_out(row: Invoice) -> InvoiceOut:
    return InvoiceOut(
        id=row.id,
        case_id=row.case_id,
        code=row.code,
        number=row.number,
        issued_on=row.issued_on,
        hospital=row.hospital,
        amount=f"{row.amount:.2f}",
        kind=row.kind,
        status=row.status,
        replaced_by_id=row.replaced_by_id,
        scan_id=row.scan_id,
    )


@router.post(
    "/cases/{injury_id}/invoices",
    status_code=201,
    response_model=InvoiceOut,
    summary="登记一张医疗票据",
)
def add_invoice(
    session: DbSession,
    user: ApiCaller,
    injury_id: CaseId,
    body: Annotated[InvoiceIn, Body()],
) -> Any:
    """201: recorded. 409: the same invoice (code and number, however typed) is already on a
    case, which the answer names. 422: an amount that is not a decimal string above 0 with
    at most two decimals, or any other field at fault."""
    case = case_service.require_case(session=session, case_id=injury_id)
    row = invoices.add(
        session=session,
        case=case,
        code=body.code,
        number=body.number,
        issued_on=body.issued_on,
        hospital=body.hospital,
        amount=body.amount,
        kind=body.kind,
        actor=user,
        now=clock.now(),
    )
    return JSONResponse(invoice_out(row).model_dump(mode="json"), status_code=201)


@router.get("/cases/{injury_id}/invoices", response_model=InvoiceList, summary="案件的医疗票据")
def list_invoices(session: DbSession, _user: ApiCaller, injury_id: CaseId) -> InvoiceList:
    """The injury's invoices and their exact total (two decimals)."""
    case = case_service.require_case(session=session, case_id=injury_id)
    rows, total = invoices.listing(session=session, case=case)
    return InvoiceList(items=[invoice_out(r) for r in rows], total=f"{total:.2f}")


class ClaimIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"invoice_ids": [1, 2]}]}
    )

    invoice_ids: list[Annotated[int, Field(strict=True, ge=1, le=2_147_483_647)]] = Field(
        min_length=1, max_length=1000, title=N_("票据")
    )


@router.post("/cases/{injury_id}/claims", status_code=201, summary="以所选票据发起报销")
def open_claim(
    session: DbSession, user: ApiCaller, injury_id: CaseId, body: Annotated[ClaimIn, Body()]
) -> Any:
    """201: the claim as `GET /api/v1/cases/{id}` returns it (with `parent_id`), plus its
    `invoices`. 409: an invoice is in another open claim; 422: an invoice not of this case."""
    injury = case_service.require_case(session=session, case_id=injury_id)
    now = clock.now()
    claim = claims.open_claim(
        session=session, injury=injury, invoice_ids=body.invoice_ids, actor=user, now=now
    )
    out = case_out(claim, user, now).model_dump(mode="json")
    out["invoices"] = [
        invoice_out(r).model_dump(mode="json") for r in claims.invoices_of(session, claim)
    ]
    return JSONResponse(out, status_code=201)


class OriginalIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    outcome: Literal["returned", "kept"] = Field(title=N_("原件"))


@router.post("/invoices/{invoice_id}/original", response_model=InvoiceOut, summary="取回蓝票")
def record_original(
    session: DbSession, user: ApiCaller, invoice_id: RowId, body: Annotated[OriginalIn, Body()]
) -> InvoiceOut:
    """The original is back (`returned`) or the bureau keeps it (`kept`)."""
    row = claims.record_original(
        session=session, invoice_id=invoice_id, outcome=body.outcome, actor=user, now=clock.now()
    )
    return invoice_out(row)


class ReversalIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"replaced_by_id": 2}]}
    )

    replaced_by_id: Annotated[int, Field(strict=True, ge=1, le=2_147_483_647)] = Field(
        title=N_("替代票据")
    )


@router.post("/invoices/{invoice_id}/reversal", response_model=InvoiceOut, summary="票据红冲")
def reverse_invoice(
    session: DbSession, user: ApiCaller, invoice_id: RowId, body: Annotated[ReversalIn, Body()]
) -> InvoiceOut:
    """红冲: the invoice is cancelled and `replaced_by_id` (recorded on the same case, newly
    received) takes its place; the case's total counts the replacement only. 409: the
    bureau holds it, approved it, or it is in a claim under way."""
    row = invoices.reverse(
        session=session,
        invoice_id=invoice_id,
        replaced_by_id=body.replaced_by_id,
        actor=user,
        now=clock.now(),
    )
    return invoice_out(row)


@router.post("/invoices/{invoice_id}/scan", response_model=InvoiceOut, summary="上传票据扫描件")
async def upload_scan(
    session: DbSession, user: ApiCaller, invoice_id: RowId, file: Annotated[UploadFile, File()]
) -> InvoiceOut:
    """The invoice's photo or scan (PDF, JPG or PNG by content, at most 10 MB), kept as an
    attachment of its injury case; a second one supersedes the first (kept, downloadable).
    Download: `GET /cases/{injury_id}/attachments/{scan_id}`."""
    content = await read_upload(file)
    row = await run_in_threadpool(
        _store_scan, session, user, invoice_id, file.filename or "", content
    )
    return invoice_out(row)


def _store_scan(
    session: DbSession, user: User, invoice_id: int, filename: str, content: bytes
) -> Invoice:
    row = invoices.require(session, invoice_id)
    case = case_service.require_case(session=session, case_id=row.case_id)
    now = clock.now()
    scan = scans.store(
        session=session, case=case, filename=filename, content=content, actor=user, now=now
    )
    scans.link(session=session, invoice=row, scan=scan, actor=user, now=now)
    return row


class PostingOut(BaseModel):
    claim_id: int
    title: str
    posted_on: date
    reference: str
    amount: str


class ClientLedgerOut(BaseModel):
    client_id: int | None
    client: str
    total: str
    postings: list[PostingOut]


class LedgerOut(BaseModel):
    month: str
    total: str
    clients: list[ClientLedgerOut]


def parse_month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        message = _("月份应写作 2026-11")
        raise Invalid(message, field_errors={"month": message}) from None


def ledger_out(found: ledger.Ledger) -> LedgerOut:
    return LedgerOut(
        month=found.month,
        total=f"{found.total:.2f}",
        clients=[
            ClientLedgerOut(
                client_id=c.client_id,
                client=c.client,
                total=f"{c.total:.2f}",
                postings=[
                    PostingOut(
                        claim_id=p.claim_id,
                        title=p.title,
                        posted_on=p.posted_on,
                        reference=p.reference,
                        amount=f"{p.amount:.2f}",
                    )
                    for p in c.postings
                ],
            )
            for c in found.clients
        ],
    )


Bookkeeper = Annotated[User, Depends(require_api_role(Role.SPECIALIST, Role.SUPERVISOR))]


@router.get("/ledger", response_model=LedgerOut, summary="上账台账（按月、按用工单位）")
def get_ledger(
    session: DbSession, _user: Bookkeeper, month: Annotated[str, Query(max_length=7)] = ""
) -> LedgerOut:
    """The claims posted in `month` (2026-11; this month when not given), by client, with
    exact totals."""
    month = month or str(ledger.this_month())
    return ledger_out(ledger.ledger(session=session, month=parse_month(month)))


class ScanOut(BaseModel):
    """What the invoice's QR code holds, to fill the form for the person to check; nothing
    is saved. `found` false: `reason` says why (no code, unreadable image, no invoice in it)."""

    found: bool
    code: str
    number: str
    issued_on: date | None
    amount: str | None
    reason: str


@router.post("/cases/{injury_id}/invoices/scan", response_model=ScanOut, summary="识别票据二维码")
async def scan_invoice(
    session: DbSession, user: ApiCaller, injury_id: CaseId, file: Annotated[UploadFile, File()]
) -> ScanOut:
    """Reads the QR code of a photo or scan of an invoice (medical e-receipts and 数电票 carry
    one) and answers the fields it holds; the invoice is recorded only by `POST …/invoices`."""
    case = await run_in_threadpool(case_service.require_case, session=session, case_id=injury_id)
    await run_in_threadpool(invoices.require_injury, case)
    content = await read_upload(file)
    found = await run_in_threadpool(qr.read, content)
    return ScanOut(
        found=not found.reason,
        code=found.code,
        number=found.number,
        issued_on=found.issued_on,
        amount=f"{found.amount:.2f}" if found.amount is not None else None,
        reason=_(found.reason) if found.reason else "",
    )
