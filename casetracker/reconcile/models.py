"""Imports of rosters and bills (as jobs with progress), a monthly batch's details, the
bill's lines kept per person and month (the contribution history), and the batch's items
with their resolutions."""

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from casetracker.core.db import Base, UTCDateTime


class JobStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    READY = "ready"  # read and checked: the preview waits for the user
    APPLIED = "applied"
    FAILED = "failed"


class ImportJob(Base):
    """An uploaded file and what reading it found. The file is read in the background (a
    large one takes seconds); the page shows `stage` and `rows_read` until it is `ready`,
    and a reload finds it where it is. `result` holds the preview."""

    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # roster / bill
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED.value)
    stage: Mapped[str] = mapped_column(String(100), default="")
    rows_read: Mapped[int] = mapped_column(default=0)
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sha256: Mapped[str] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    error: Mapped[str] = mapped_column(String(2000), default="")

    __table_args__ = (
        CheckConstraint("kind IN ('roster', 'bill')", name="kind_known"),
        CheckConstraint(
            "status IN ('queued', 'running', 'ready', 'applied', 'failed')", name="status_known"
        ),
    )


class BatchDetails(Base):
    """A monthly batch (a case of type `monthly_batch`): its region and month, one batch
    per region and month, and the bill's and the bank's totals."""

    __tablename__ = "batch_details"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    month: Mapped[str] = mapped_column(String(7))  # 2026-11
    bill_file: Mapped[str] = mapped_column(String(255), default="")
    bill_total: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    deducted_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))

    __table_args__ = (UniqueConstraint("region_id", "month", name="uq_batch_details_region_month"),)


# The amounts of a bill line, per insurance and side (the bill's columns).
AMOUNT_COLUMNS = (
    "pension_employer",
    "pension_employee",
    "medical_employer",
    "medical_employee",
    "unemployment_employer",
    "unemployment_employee",
    "injury_employer",
    "maternity_employer",
)


class BillLine(Base):
    """One line of a bureau bill as stored: who, for which period (费款所属期) and type
    (正常 / 补缴 / 退收), on which base, and the amounts. A person's lines over the months
    are their contribution history."""

    __tablename__ = "bill_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    id_number: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(50))
    period: Mapped[str] = mapped_column(String(7))  # the line's own month, 2026-11
    pay_type: Mapped[str] = mapped_column(String(10), default="")
    base: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    pension_employer: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    pension_employee: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    medical_employer: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    medical_employee: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    unemployment_employer: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    unemployment_employee: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    injury_employer: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    maternity_employer: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    total: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    sheet: Mapped[str] = mapped_column(String(100), default="")
    row: Mapped[int] = mapped_column(default=0)

    __table_args__ = (Index("ix_bill_lines_person_period", "id_number", "period"),)


class Resolution(enum.StrEnum):
    ENROLLED = "enrolled"  # 已增员
    STOPPED = "stopped"  # 已减员
    BASE_CORRECTED = "base_corrected"  # 已更正基数
    IGNORED = "ignored"  # 不处理（须写明原因）


class BatchItem(Base):
    """One difference a batch's reconciliation found (or carried forward from last month's
    declarations), and what the specialist did about it."""

    __tablename__ = "batch_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    category: Mapped[str] = mapped_column(String(30))
    id_number: Mapped[str] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(50))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    resolution: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500), default="")
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint(
            "resolution IS NULL OR resolution IN"
            " ('enrolled', 'stopped', 'base_corrected', 'ignored')",
            name="resolution_known",
        ),
    )


class DailyCheck(Base):
    """One working day's check of an out-of-town region's list (a `daily_check` case):
    the day's enrolments and departures, and the differences found."""

    __tablename__ = "daily_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    day: Mapped[date]
    partner_file: Mapped[str] = mapped_column(String(255))
    changes_file: Mapped[str] = mapped_column(String(255))
    listed: Mapped[int] = mapped_column(default=0)  # people on the partner's list
    hires: Mapped[int] = mapped_column(default=0)  # reported hires of the day
    leavers: Mapped[int] = mapped_column(default=0)  # reported departures of the day
    differences: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("case_id", "day", name="uq_daily_checks_case_day"),)


class ColumnMapping(Base):
    """The columns a user mapped by hand for a region's bills, whose header the reader does
    not recognise: used for that region's next files too, when no header is found."""

    __tablename__ = "column_mappings"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), unique=True)
    header_row: Mapped[int]  # the last row above the data (Excel's number; 0: none)
    columns: Mapped[dict[str, int]] = mapped_column(JSON)  # field → column (0 = A)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
