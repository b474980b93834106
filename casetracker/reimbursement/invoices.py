"""Recording an injury's invoices and listing them with their exact total.

An invoice is the same paper however it is typed: its code and number are compared after
Unicode NFKC normalisation (full-width digits become ASCII), with every space removed and in
upper case. Recording it again, on this case or any other, is refused naming the case that
holds it; its amount never identifies it."""

import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.core.errors import Conflict, Invalid, NotFound
from casetracker.core.i18n import _
from casetracker.core.money import parse_money
from casetracker.core.validation import parse_day
from casetracker.materials.models import Attachment
from casetracker.reimbursement.models import Invoice, InvoiceKind, InvoiceStatus
from casetracker.workflows.injury import TYPE as INJURY


def normalised(value: str) -> str:
    """１２３ ４ → 1234; a b → AB."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def identity(code: str, number: str) -> str:
    return f"{normalised(code)}|{normalised(number)}"


def holder_of(session: Session, code: str, number: str) -> int | None:
    """The case that holds this invoice, however its code and number are typed."""
    return session.scalar(select(Invoice.case_id).where(Invoice.identity == identity(code, number)))


def require_injury(case: Case) -> None:
    if case.type != INJURY:
        raise Invalid(_("票据只能登记在工伤案件上（案件 #{id} 不是）").format(id=case.id))


def add(
    *,
    session: Session,
    case: Case,
    code: str,
    number: str,
    issued_on: date,
    hospital: str,
    amount: Decimal,
    kind: InvoiceKind,
    actor: User,
    now: datetime,
    scan: Attachment | None = None,
) -> Invoice:
    """`scan`: its photo, already stored on the case (`scans.store`), if one came with it."""
    require_injury(case)
    case_service.require_may_act(case, actor)
    code, number = normalised(code), normalised(number)
    if not number.isalnum() or (code and not code.isalnum()):
        raise Invalid(
            _("票据代码和号码只能由字母和数字组成"), field_errors={"number": _("号码：格式不对")}
        )
    key = identity(code, number)
    holder = holder_of(session, code, number)
    if holder is not None:
        raise Conflict(
            _("这张票据已登记在案件 #{id}（代码 {code}，号码 {number}）").format(
                id=holder, code=code or "—", number=number
            )
        )
    invoice = Invoice(
        case_id=case.id,
        code=code,
        number=number,
        identity=key,
        issued_on=issued_on,
        hospital=hospital,
        amount=amount,
        kind=kind.value,
        scan_id=scan.id if scan else None,
        created_by_id=actor.id,
        created_at=now,
    )
    session.add(invoice)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="case.invoice_added",
        subject_type="case",
        subject_id=case.id,
        after={
            "invoice_id": invoice.id,
            "code": code,
            "number": number,
            "amount": str(amount),
            "issued_on": issued_on.isoformat(),
        },
        at=now,
    )
    return invoice


def listing(*, session: Session, case: Case) -> tuple[list[Invoice], Decimal]:
    """The case's invoices in the order recorded, and the exact sum of those in force (a
    reversed invoice is counted through the one that replaced it), added as Decimals here
    (SQLite would add NUMERIC columns as floating point)."""
    require_injury(case)
    rows = list(
        session.scalars(select(Invoice).where(Invoice.case_id == case.id).order_by(Invoice.id))
    )
    return rows, in_force_total(rows)


def in_force_total(rows: list[Invoice]) -> Decimal:
    return sum(
        (row.amount for row in rows if row.status != InvoiceStatus.REVERSED.value),
        Decimal("0.00"),
    )


# What may still be reversed: paper the bureau does not hold and has not paid against.
REVERSIBLE = (InvoiceStatus.RECEIVED.value, InvoiceStatus.REJECTED.value)


def require(session: Session, invoice_id: int) -> Invoice:
    row = session.get(Invoice, invoice_id)
    if row is None:
        raise NotFound(_("票据不存在（编号 {id}）").format(id=invoice_id))
    return row


def reverse(
    *, session: Session, invoice_id: int, replaced_by_id: int, actor: User, now: datetime
) -> Invoice:
    """红冲: the hospital cancelled the invoice and issued `replaced_by_id` (already recorded on
    the same case) in its place. Only paper the bureau does not hold and has not paid against
    can be reversed: received and in no claim under way, rejected, or returned unpaid."""
    row = require(session, invoice_id)
    injury = session.get(Case, row.case_id)
    assert injury is not None
    case_service.require_may_act(injury, actor)
    reversible = row.status in REVERSIBLE or (
        row.status == InvoiceStatus.RETURNED.value and row.approved_amount is None
    )
    if not reversible:
        raise Conflict(
            _("票据 {number} 已提交、已核准或由社保局留存，不能红冲").format(number=row.number)
        )
    if row.status == InvoiceStatus.RECEIVED.value and row.claim_id is not None:
        claim = session.get(Case, row.claim_id)
        if claim is not None and claim.closed_at is None:
            raise Conflict(
                _("票据 {number} 在报销申请 #{id} 中，请先撤回该申请").format(
                    number=row.number, id=claim.id
                )
            )
    successor = session.get(Invoice, replaced_by_id)
    if successor is None or successor.case_id != row.case_id or successor.id == row.id:
        message = _("替代票据应是本案件登记的另一张票据")
        raise Invalid(message, field_errors={"replaced_by_id": message})
    if successor.status != InvoiceStatus.RECEIVED.value:
        message = _("替代票据 {number} 应是新收到的票据").format(number=successor.number)
        raise Invalid(message, field_errors={"replaced_by_id": message})
    before = {"status": row.status}
    row.status, row.replaced_by_id = InvoiceStatus.REVERSED.value, successor.id
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="case.invoice_reversed",
        subject_type="case",
        subject_id=row.case_id,
        before=before,
        after={"invoice_id": row.id, "replaced_by_id": successor.id, "status": row.status},
        at=now,
    )
    return row


def from_form(form: Mapping[str, str], *, today: date) -> dict[str, Any]:
    """An invoice typed on a page, checked as the API checks it (each field named)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {
        "code": form.get("code", "")[:40],
        "number": form.get("number", "").strip()[:40],
        "hospital": form.get("hospital", "").strip()[:100],
    }
    if not values["number"]:
        errors["number"] = _("票据号码：必填")
    if not values["hospital"]:
        errors["hospital"] = _("医院或药店：必填")
    try:
        amount = parse_money(form.get("amount", ""))
        if amount <= 0:
            raise ValueError(_("应大于 0"))
        values["amount"] = amount
    except ValueError as exc:
        errors["amount"] = _("金额：{why}").format(why=exc)
    try:
        issued = parse_day(form.get("issued_on", ""))
        if issued > today:
            raise ValueError(_("不能晚于今天"))
        values["issued_on"] = issued
    except ValueError as exc:
        errors["issued_on"] = _("开票日期：{why}").format(why=exc)
    try:
        values["kind"] = InvoiceKind(form.get("kind", ""))
    except ValueError:
        errors["kind"] = _("类别：无效")
    if errors:
        raise Invalid("；".join(errors.values()), field_errors=errors)
    return values
