"""The demo's reconciliation: the local region's last month, reconciled and closed, and this
month's batch reconciled against a bill with the differences a real one has (someone who left
still billed, a base the bill has wrong, a stranger, someone not yet enrolled, a back-payment
line and a row Excel ruined), so the batch page, the report and the desk show real work; and
the daily check of every out-of-town region running."""

import csv
import io
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.core.clock import CHINA_TZ
from casetracker.people.models import InsuredPerson, Region
from casetracker.reconcile import batch, daily, jobs
from casetracker.reconcile.classes import Month
from casetracker.reconcile.models import BatchDetails
from casetracker.workflows.daily_check import TYPE as DAILY

HEADER = ["序号", "姓名", "证件号码", "申报基数", "费款所属期", "缴费类型", "养老保险单位", "合计"]
STRANGER = ("刘外来", "310101198503150010")  # billed, never ours


def _line(n: int, name: str, ident: str, base: Decimal, period: Month, kind: str) -> list[str]:
    pension = (base * Decimal("0.16")).quantize(Decimal("0.01"))
    total = (base * Decimal("0.3")).quantize(Decimal("0.01"))
    return [str(n), name, ident, f"{base:,.2f}", f"{period.year}{period.month:02d}", kind,
            str(pension), f"{total:,.2f}"]  # fmt: skip


def bill(people: list[InsuredPerson], month: Month, *, planted: bool) -> bytes:
    """The bureau's bill for the month (GBK CSV, a title row, a total row): everyone employed
    during it, on their base; `planted` adds the usual differences."""
    employed = [
        p
        for p in people
        if (p.hire_on is None or p.hire_on <= month.last_day)
        and (p.leave_on is None or p.leave_on >= month.first_day)
    ]
    rows: list[list[str]] = []
    skipped = employed[3] if planted and len(employed) > 3 else None  # not yet enrolled
    for n, person in enumerate(employed, start=1):
        if person is skipped:
            continue
        base = person.contribution_base or Decimal("7310.00")
        if planted and n == 2:
            base += Decimal("500")  # the bureau still has last year's base
        rows.append(_line(n, person.name, person.id_number, base, month, "正常"))
    if planted:
        left = next((p for p in people if p.leave_on and p.leave_on < month.first_day), None)
        if left is not None:  # left long ago, still billed
            base = left.contribution_base or Decimal("7310.00")
            rows.append(_line(len(rows) + 1, left.name, left.id_number, base, month, "正常"))
        rows.append(_line(len(rows) + 1, *STRANGER, Decimal("8000"), month, "正常"))
        first = employed[0]
        rows.append(
            _line(len(rows) + 1, first.name, first.id_number, Decimal("7310"),
                  month.previous(), "补缴")
        )  # fmt: skip
        rows.append([str(len(rows) + 1), "陈晓", "3.10104E+17", "8000", "", "正常", "", ""])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([f"社会保险费缴费明细（{month.year}年{month.month}月）"])
    writer.writerow(HEADER)
    writer.writerows(rows)
    writer.writerow(["合计"])
    return out.getvalue().encode("gbk")


def _fire(session: Session, case: Case, name: str, fields: dict[str, str], owner: User,
          now: datetime) -> Case:  # fmt: skip
    return case_service.fire(
        session=session,
        case=case,
        transition=name,
        version=case.version,
        raw_fields=fields,
        actor=owner,
        now=now,
    )


def _reconciled(
    session: Session, region: Region, month: Month, owner: User, now: datetime, *, planted: bool
) -> Case:
    people = list(
        session.scalars(
            select(InsuredPerson)
            .where(InsuredPerson.region_id == region.id)
            .order_by(InsuredPerson.id)
        )
    )
    case = batch.open_batch(session=session, region_id=region.id, month=month, owner=owner,
                            now=now)  # fmt: skip
    job = jobs.create(
        session=session,
        kind=batch.BILL,
        filename=f"{region.name}{month.year}年{month.month}月缴费明细.csv",
        content=bill(people, month, planted=planted),
        actor=owner,
        now=now,
        case_id=case.id,
    )
    jobs.check_now(session=session, job=job, work=batch.bill_preview)
    case = _fire(session, case, "import_bill", {"job_id": str(job.id)}, owner, now)
    return _fire(session, case, "reconcile", {"roster_job_id": ""}, owner, now)


def load(*, session: Session, owner: User, now: datetime) -> None:
    """Once: skipped when the local region already has a batch."""
    local = session.scalar(select(Region).where(Region.is_local).order_by(Region.id))
    if local is None or session.scalar(
        select(BatchDetails.case_id).where(BatchDetails.region_id == local.id).limit(1)
    ):
        return
    this = Month(now.astimezone(CHINA_TZ).year, now.astimezone(CHINA_TZ).month)
    last = this.previous()

    def day(n: int, hour: int) -> datetime:  # a moment of last month, as it was recorded
        return datetime(last.year, last.month, n, hour, tzinfo=CHINA_TZ)

    closed = _reconciled(session, local, last, owner, day(5, 10), planted=False)
    declared = day(min(local.cutoff_day, 10), 16)
    closed = _fire(session, closed, "declare", {"declared_on": declared.date().isoformat()},
                   owner, declared)  # fmt: skip
    deducted = day(min(local.cutoff_day, 10) + 2, 11)
    total = batch.details(session, closed).bill_total or Decimal(0)
    closed = _fire(session, closed, "confirm_deduction",
                   {"deducted_on": deducted.date().isoformat(), "deducted_amount": str(total)},
                   owner, deducted)  # fmt: skip
    _fire(session, closed, "close", {}, owner, deducted)
    _reconciled(session, local, this, owner, now, planted=True)
    running = set(
        session.scalars(select(Case.region_id).where(Case.type == DAILY, Case.closed_at.is_(None)))
    )
    for region in session.scalars(select(Region).where(~Region.is_local).order_by(Region.id)):
        if region.id not in running:
            daily.open_daily(session=session, region_id=region.id, owner=owner, now=now)
