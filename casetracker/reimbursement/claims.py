"""Claims: opening one from an injury with the invoices it covers, and what its transitions
do to them (each effect checks before it writes: a refusal changes nothing)."""

from collections.abc import Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.core.clock import CHINA_TZ
from casetracker.core.errors import Conflict, Invalid, NotFound
from casetracker.core.i18n import _
from casetracker.reimbursement.invoices import require_injury
from casetracker.reimbursement.models import ClaimDetails, Invoice, InvoiceStatus
from casetracker.workflows.reimbursement import TYPE

BACK = (InvoiceStatus.RETURNED.value, InvoiceStatus.KEPT.value)
# What a claim may close with: each original back, kept, or reversed (红冲, sent back to the
# hospital, which issued another).
SETTLED = (*BACK, InvoiceStatus.REVERSED.value)


def details(session: Session, case: Case) -> ClaimDetails:
    found = session.get(ClaimDetails, case.id)
    if found is None:
        raise NotFound(_("报销申请不存在（编号 {id}）").format(id=case.id))
    return found


def invoices_of(session: Session, case: Case) -> list[Invoice]:
    return list(
        session.scalars(select(Invoice).where(Invoice.claim_id == case.id).order_by(Invoice.id))
    )


def open_claim(
    *, session: Session, injury: Case, invoice_ids: list[int], actor: User, now: datetime
) -> Case:
    """A claim of some of the injury's invoices, none of them in another open claim; its
    opening event is the latest invoice's issue date."""
    require_injury(injury)
    case_service.require_may_act(injury, actor)
    wanted = sorted(set(invoice_ids))
    if not wanted:
        raise Invalid(_("请选择要报销的票据"), field_errors={"invoice_ids": _("票据：必填")})
    rows = list(session.scalars(select(Invoice).where(Invoice.id.in_(wanted))))
    if len(rows) != len(wanted) or any(r.case_id != injury.id for r in rows):
        raise Invalid(
            _("只能报销本案件登记的票据"), field_errors={"invoice_ids": _("票据：不属于本案件")}
        )
    for row in rows:
        if row.claim_id is not None:
            holder = session.get(Case, row.claim_id)
            if holder is not None and holder.closed_at is None:
                raise Conflict(
                    _("票据 {number} 已在报销申请 #{id} 中").format(number=row.number, id=holder.id)
                )
        if row.status not in (InvoiceStatus.RECEIVED.value, InvoiceStatus.REJECTED.value):
            raise Conflict(_("票据 {number} 已报销或已红冲，不能再报销").format(number=row.number))
    latest = max(r.issued_on for r in rows)
    claim = case_service.open_case(
        session=session,
        case_type=TYPE,
        client_id=injury.client_id,
        region_id=injury.region_id,
        owner=injury.owner,
        event_at=datetime.combine(latest, time(0), tzinfo=CHINA_TZ),
        now=now,
        insured_id=injury.insured_id,
        title=_("{person} 医疗费报销").format(person=injury.insured_name or injury.title),
        parent_id=injury.id,
    )
    session.add(ClaimDetails(case_id=claim.id, injury_id=injury.id))
    for row in rows:
        row.claim_id = claim.id
        row.approved_amount, row.rejection_reason = None, ""
    session.flush()
    return claim


def submit(session: Session, case: Case, _fields: Mapping[str, Any], _a: Any, _n: datetime) -> None:
    for row in invoices_of(session, case):
        row.status = InvoiceStatus.SUBMITTED.value


def nothing(_s: Session, _c: Case, _f: Mapping[str, Any], _a: Any, _n: datetime) -> None:
    """A corrected submission date changes nothing of the invoices."""


def _approval(
    session: Session, case: Case, fields: Mapping[str, Any]
) -> tuple[dict[int, Decimal], dict[int, Invoice], str]:
    """The approved amounts by invoice, checked: each invoice of this claim and at most its
    amount; a reason when some are left out."""
    approved: dict[int, Decimal] = dict(fields.get("approved") or {})
    rows = {row.id: row for row in invoices_of(session, case)}
    unknown = [str(i) for i in approved if i not in rows]
    if unknown:
        raise Invalid(
            _("票据 {ids} 不在本报销申请中").format(ids="、".join(unknown)),
            field_errors={"approved": _("核准金额：编号不在本申请中")},
        )
    over = [rows[i].number for i, amount in approved.items() if amount > rows[i].amount]
    if over:
        raise Invalid(
            _("核准金额不能高于票据金额：{numbers}").format(numbers="、".join(over)),
            field_errors={"approved": _("核准金额：高于票据金额")},
        )
    reason = str(fields.get("rejection_reason") or "").strip()
    if len(approved) < len(rows) and not reason:
        raise Invalid(
            _("有票据未核准，请写明原因"),
            field_errors={"rejection_reason": _("原因：有未核准票据时必填")},
        )
    return approved, rows, reason[:500]


def approve(session: Session, case: Case, fields: Mapping[str, Any], _a: Any, _n: datetime) -> None:
    """Each listed invoice approved for at most its amount; the others rejected, with the
    reason given."""
    _record_approval(session, case, fields, restatus=None)


def correct_approval(
    session: Session, case: Case, fields: Mapping[str, Any], _a: Any, _n: datetime
) -> None:
    """A corrected approval: each invoice's approved amount and reason again, and the total
    (and, once paid, the shortfall) with them; an invoice whose original is already back,
    kept or reversed keeps that status. A total below what was already paid is refused."""
    _record_approval(
        session,
        case,
        fields,
        restatus=(InvoiceStatus.APPROVED.value, InvoiceStatus.REJECTED.value),
    )


def _record_approval(
    session: Session, case: Case, fields: Mapping[str, Any], *, restatus: tuple[str, ...] | None
) -> None:
    """The approval written: each invoice's approved amount or rejection reason, and its
    status where it is one of `restatus` (None: every invoice's); the total, and the
    shortfall once paid (a total below the payment refused first)."""
    approved, rows, reason = _approval(session, case, fields)
    found = details(session, case)
    total = sum(approved.values(), Decimal("0.00"))
    if found.paid_amount is not None and found.paid_amount > total:
        raise Invalid(
            _("核准总额不能低于已到账金额 {paid} 元").format(paid=f"{found.paid_amount:,.2f}"),
            field_errors={"approved": _("核准金额：低于已到账金额")},
        )
    for invoice_id, row in rows.items():
        if restatus is None or row.status in restatus:
            row.status = (
                InvoiceStatus.APPROVED.value
                if invoice_id in approved
                else InvoiceStatus.REJECTED.value
            )
        row.approved_amount = approved.get(invoice_id)
        row.rejection_reason = "" if invoice_id in approved else reason
    found.approved_total = total
    if found.paid_amount is not None:
        found.shortfall = total - found.paid_amount


def pay(session: Session, case: Case, fields: Mapping[str, Any], _a: Any, _n: datetime) -> None:
    """What arrived: at most the approved total, and more than 0 unless nothing was
    approved (the claim still goes through to its close)."""
    found = details(session, case)
    paid = fields.get("paid_amount")
    total = found.approved_total or Decimal("0.00")
    if not isinstance(paid, Decimal) or paid > total:
        raise Invalid(
            _("到账金额不能高于核准总额 {total} 元").format(total=f"{total:,.2f}"),
            field_errors={"paid_amount": _("到账金额：高于核准总额")},
        )
    if paid <= 0 < total:
        raise Invalid(
            _("到账金额应大于 0（核准总额 {total} 元）").format(total=f"{total:,.2f}"),
            field_errors={"paid_amount": _("到账金额：应大于 0")},
        )
    found.paid_amount, found.shortfall = paid, total - paid


def post(session: Session, case: Case, fields: Mapping[str, Any], _a: Any, _n: datetime) -> None:
    found = details(session, case)
    found.posted_reference = str(fields.get("reference") or "")[:100]
    posted_on = fields.get("posted_on")
    found.posted_on = posted_on if isinstance(posted_on, date) else None


def originals_back(session: Session, case: Case) -> str | None:
    waiting = [r.number for r in invoices_of(session, case) if r.status not in SETTLED]
    if not waiting:
        return None
    return _("还有票据原件未取回或登记留存：{numbers}").format(numbers="、".join(waiting))


def record_original(
    *, session: Session, invoice_id: int, outcome: str, actor: User, now: datetime
) -> Invoice:
    """取回蓝票: an approved or rejected invoice's original back in hand, or kept by the bureau."""
    row = session.get(Invoice, invoice_id)
    if row is None:
        raise NotFound(_("票据不存在（编号 {id}）").format(id=invoice_id))
    if outcome not in BACK:
        raise Invalid(_("结果应为 returned 或 kept"), field_errors={"outcome": _("结果：无效")})
    injury = session.get(Case, row.case_id)
    assert injury is not None
    case_service.require_may_act(injury, actor)
    if row.status not in (InvoiceStatus.APPROVED.value, InvoiceStatus.REJECTED.value, *BACK):
        raise Conflict(_("票据尚未经社保局审核，原件不在社保局"))
    row.status = outcome
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="case.invoice_original",
        subject_type="case",
        subject_id=row.case_id,
        after={"invoice_id": row.id, "outcome": outcome},
        at=now,
    )
    return row
