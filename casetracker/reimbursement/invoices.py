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
from casetracker.core.errors import Conflict, Invalid
from casetracker.core.i18n import _
from casetracker.core.money import parse_money
from casetracker.core.validation import parse_day
from casetracker.reimbursement.models import Invoice, InvoiceKind
from casetracker.workflows.injury import TYPE as INJURY


def normalised(value: str) -> str:
    """１２３ ４ → 1234; a b → AB."""
    return "".join(unicodedata.normalize("NFKC", value).split()).upper()


def identity(code: str, number: str) -> str:
    return f"{normalised(code)}|{normalised(number)}"


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
) -> Invoice:
    require_injury(case)
    case_service.require_may_act(case, actor)
    code, number = normalised(code), normalised(number)
    if not number.isalnum() or (code and not code.isalnum()):
        raise Invalid(
            _("票据代码和号码只能由字母和数字组成"), field_errors={"number": _("号码：格式不对")}
        )
    key = identity(code, number)
    holder = session.scalar(select(Invoice.case_id).where(Invoice.identity == key))
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
    """The case's invoices in the order recorded, and their exact sum, added as Decimals
    here (SQLite would add NUMERIC columns as floating point)."""
    require_injury(case)
    rows = list(
        session.scalars(select(Invoice).where(Invoice.case_id == case.id).order_by(Invoice.id))
    )
    return rows, sum((row.amount for row in rows), Decimal("0.00"))


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
