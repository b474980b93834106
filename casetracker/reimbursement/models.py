"""The invoices (医疗收费票据, 数电票) an injury's medical costs are claimed against."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from casetracker.core.db import Base, UTCDateTime
from casetracker.core.i18n import N_


class InvoiceKind(enum.StrEnum):
    OUTPATIENT = "outpatient"  # 门诊
    INPATIENT = "inpatient"  # 住院
    PHARMACY = "pharmacy"  # 药店
    OTHER = "other"


INVOICE_KINDS = {
    InvoiceKind.OUTPATIENT.value: N_("门诊"),
    InvoiceKind.INPATIENT.value: N_("住院"),
    InvoiceKind.PHARMACY.value: N_("药店"),
    InvoiceKind.OTHER.value: N_("其他"),
}


class InvoiceStatus(enum.StrEnum):
    RECEIVED = "received"  # 已收到
    SUBMITTED = "submitted"  # 已随报销申请提交
    APPROVED = "approved"  # 已核准
    REJECTED = "rejected"  # 未核准
    RETURNED = "returned"  # 原件已取回
    KEPT = "kept"  # 原件由社保局留存
    REVERSED = "reversed"  # 已红冲（由另一张票据替代）


INVOICE_STATUSES = {
    InvoiceStatus.RECEIVED.value: N_("已收到"),
    InvoiceStatus.SUBMITTED.value: N_("已提交报销"),
    InvoiceStatus.APPROVED.value: N_("已核准"),
    InvoiceStatus.REJECTED.value: N_("未核准"),
    InvoiceStatus.RETURNED.value: N_("原件已取回"),
    InvoiceStatus.KEPT.value: N_("原件由社保局留存"),
    InvoiceStatus.REVERSED.value: N_("已红冲"),
}


class Invoice(Base):
    """One invoice of an injury case, identified by its code and number as written
    (normalised: NFKC, no spaces, upper case), never by its amount: one paper, one row,
    across every case."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    code: Mapped[str] = mapped_column(String(40), default="")  # 票据代码; none on a 数电票
    number: Mapped[str] = mapped_column(String(40))  # 票据号码 / 数电票号码
    identity: Mapped[str] = mapped_column(String(81), unique=True)  # code|number, normalised
    issued_on: Mapped[date]
    hospital: Mapped[str] = mapped_column(String(100))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default=InvoiceStatus.RECEIVED.value)
    # 红冲: the invoice the hospital issued in its place.
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("invoices.id"))
    # Its photo or scan: an attachment of the injury case, outside its checklist.
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    # The claim it is (or was last) submitted with, what the bureau approved of it and why not.
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    approved_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    rejection_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint(
            "kind IN (" + ", ".join(f"'{k.value}'" for k in InvoiceKind) + ")", name="kind_known"
        ),
        CheckConstraint(
            "status IN (" + ", ".join(f"'{s.value}'" for s in InvoiceStatus) + ")",
            name="status_known",
        ),
    )


class ClaimDetails(Base):
    """A claim's money: what the bureau approved in all, what arrived (a shortfall shown),
    and the posting to the client's account."""

    __tablename__ = "claim_details"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    injury_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    approved_total: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    paid_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    shortfall: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    posted_reference: Mapped[str] = mapped_column(String(100), default="")
    posted_on: Mapped[date | None] = mapped_column(index=True)  # the ledger's month
