"""A region's monthly batch: opening it, reading a bill for it (a job), storing the bill's
lines, reconciling them with the insured people held here and with last month's
declarations, and the items' resolutions."""

from collections.abc import Callable, Mapping
from datetime import datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.core.clock import CHINA_TZ
from casetracker.core.errors import Conflict, Invalid, NotFound
from casetracker.core.i18n import N_, _
from casetracker.core.sql import bulk_insert
from casetracker.people.models import Client, InsuredPerson, Region
from casetracker.reconcile import jobs, mapping, workbook
from casetracker.reconcile.classes import CLASSES, Month, Reconciliation, reconcile
from casetracker.reconcile.files import read_sheets
from casetracker.reconcile.headers import Layout
from casetracker.reconcile.models import (
    AMOUNT_COLUMNS,
    BatchDetails,
    BatchItem,
    BillLine,
    ImportJob,
    JobStatus,
    Resolution,
)
from casetracker.reconcile.offline import bulk
from casetracker.reconcile.records import NORMAL, Record, Table, read_table
from casetracker.workflows.monthly_batch import TYPE

BILL = "bill"
# Last month's declarations checked against this month's bill (the three-way check).
CARRIED: dict[str, str] = {
    "declared_not_billed": N_("上月已申报增员，本月账单仍未计费"),
    "stopped_still_billed": N_("上月已申报减员，本月账单仍在计费"),
}
CATEGORIES: dict[str, str] = {**CLASSES, **CARRIED}
RESOLUTIONS: dict[str, str] = {
    Resolution.ENROLLED.value: N_("已增员"),
    Resolution.STOPPED.value: N_("已减员"),
    Resolution.BASE_CORRECTED.value: N_("已更正基数"),
    Resolution.IGNORED.value: N_("不处理"),
}

# What the resolution form proposes for each kind of difference (the usual outcome; the
# specialist may choose another).
SUGGESTED: dict[str, str] = {
    "to_enroll": Resolution.ENROLLED.value,
    "declared_not_billed": Resolution.ENROLLED.value,
    "to_stop": Resolution.STOPPED.value,
    "not_in_roster": Resolution.STOPPED.value,
    "stopped_still_billed": Resolution.STOPPED.value,
    "base_mismatch": Resolution.BASE_CORRECTED.value,
}


def open_batch(
    *, session: Session, region_id: int, month: Month, owner: User, now: datetime
) -> Case:
    """The batch of a region and month, opened on the month's first day; one per region
    and month."""
    region = session.get(Region, region_id)
    if region is None:
        raise Invalid(_("参保地不存在"), field_errors={"region_id": _("参保地：不存在")})
    taken = session.scalar(
        select(BatchDetails.case_id).where(
            BatchDetails.region_id == region_id, BatchDetails.month == str(month)
        )
    )
    if taken is not None:
        raise Conflict(
            _("{region} {month} 的月度批次已存在（案件 #{id}）").format(
                region=region.name, month=month, id=taken
            )
        )
    case = case_service.open_case(
        session=session,
        case_type=TYPE,
        client_id=None,
        region_id=region_id,
        owner=owner,
        event_at=datetime.combine(month.first_day, time(0), tzinfo=CHINA_TZ),
        now=now,
        title=f"{month} {region.name} 月度增减员",
    )
    session.add(BatchDetails(case_id=case.id, region_id=region_id, month=str(month)))
    session.flush()
    return case


def details(session: Session, case: Case) -> BatchDetails:
    found = session.get(BatchDetails, case.id)
    if found is None:
        raise NotFound(_("月度批次不存在（编号 {id}）").format(id=case.id))
    return found


def _table(job: ImportJob, layout: Layout | None = None) -> Table:
    return read_table(read_sheets(job.content, job.filename), job.filename, layout)


def bill_layout(session: Session, job: ImportJob) -> Layout | None:
    """The columns mapped by hand for the bill's region, used when no header is found."""
    case = session.get(Case, job.case_id) if job.case_id else None
    return mapping.saved(session, case.region_id) if case is not None else None


def bill_preview(session: Session, job: ImportJob, table: Table) -> None:
    """The job's work: what the bill holds (lines, periods, total) and which rows cannot be
    read, for the page to show before the bill is stored."""
    periods: dict[str, int] = {}
    for line in table.records:
        key = f"{line.period or '—'} {line.pay_type or NORMAL}"
        periods[key] = periods.get(key, 0) + 1
    total = sum((line.total for line in table.records if line.total is not None), Decimal(0))
    job.result = {
        "lines": len(table.records),
        "people": len({line.id_number for line in table.records}),
        "total": str(total),
        "periods": periods,
        "errors": [
            {"sheet": p.sheet, "row": p.row, "reason": p.text()} for p in table.problems[:1000]
        ],
        "invalid": len(table.problems),
    }


def require_bill_job(session: Session, case: Case, raw_id: object) -> ImportJob:
    """The batch's bill import, read and waiting (what `import_bill` takes)."""
    job = jobs.find(session, raw_id, BILL)
    if job is None or job.case_id != case.id:
        raise Invalid(_("没有这个账单导入（编号 {id}）").format(id=raw_id))
    if job.status != JobStatus.READY.value:
        raise Conflict(_("这份账单没有处于待确认状态，不能导入"))
    return job


def store_bill(
    session: Session, case: Case, fields: Mapping[str, Any], _actor: Any, now: datetime
) -> None:
    """The effect of `import_bill`: the bill's lines replace any earlier bill of the batch
    (and the items reconciled from it); unreadable rows become `invalid` items."""
    job = require_bill_job(session, case, fields.get("job_id"))
    with bulk():
        table = _table(job, mapping.saved(session, case.region_id))
    session.execute(delete(BatchItem).where(BatchItem.case_id == case.id))
    session.execute(delete(BillLine).where(BillLine.case_id == case.id))
    batch = details(session, case)
    bulk_insert(
        session, BillLine.__table__, [_line(case.id, batch.month, r) for r in table.records]
    )
    session.add_all(_invalid(case.id, table, BILL))
    batch.bill_file = job.filename
    batch.bill_total = sum(
        (line.total for line in table.records if line.total is not None), Decimal(0)
    )
    job.status = JobStatus.APPLIED.value
    job.stage = N_("已导入")
    job.updated_at = now
    session.flush()


def _line(case_id: int, month: str, record: Record) -> dict[str, Any]:
    return {
        "case_id": case_id,
        "id_number": record.id_number,
        "name": record.name,
        "period": record.period or month,
        "pay_type": record.pay_type or NORMAL,
        "base": record.base,
        "total": record.total,
        "sheet": record.sheet[:100],
        "row": record.row,
        **{key: record.amounts.get(key) for key in AMOUNT_COLUMNS},
    }


def _roster(session: Session, region_id: int) -> list[Record]:
    """The insured people of the region as roster rows."""
    rows = session.execute(
        select(
            InsuredPerson.id_number,
            InsuredPerson.name,
            InsuredPerson.contribution_base,
            InsuredPerson.hire_on,
            InsuredPerson.leave_on,
            Client.name,
            InsuredPerson.id,
        )
        .join(Client, Client.id == InsuredPerson.client_id)
        .where(InsuredPerson.region_id == region_id)
        .order_by(InsuredPerson.id)
    )
    return [
        Record(
            sheet="",
            row=person_id,
            id_number=ident,
            name=name,
            base=base,
            hire_on=hired,
            leave_on=left,
            client=client,
        )
        for ident, name, base, hired, left, client, person_id in rows
    ]


def _bill(session: Session, case_id: int) -> list[Record]:
    """The batch's stored lines, as bill rows (plain columns: a bill is 100,000 lines)."""
    rows = session.execute(
        select(
            BillLine.sheet,
            BillLine.row,
            BillLine.id_number,
            BillLine.name,
            BillLine.base,
            BillLine.period,
            BillLine.pay_type,
            BillLine.total,
        )
        .where(BillLine.case_id == case_id)
        .order_by(BillLine.id)
    )
    return [
        Record(sheet, row, ident, name, base=base, period=period, pay_type=kind, total=total)
        for sheet, row, ident, name, base, period, kind, total in rows
    ]


def compute_items(
    session: Session, case: Case, _fields: Mapping[str, Any], _actor: Any, _now: datetime
) -> None:
    """The effect of `reconcile`: the differences between the bill and the people held
    here, and last month's declarations checked against this bill. Unreadable rows stay
    as they were stored with the bill."""
    batch = details(session, case)
    month = Month.parse(batch.month)
    with bulk():
        bill = _bill(session, case.id)
        uploaded = _uploaded_roster(session, _fields.get("roster_job_id"))
        people = uploaded.records if uploaded else _roster(session, batch.region_id)
        found = reconcile(month=month, roster=people, bill=bill, problems=[])
    session.execute(
        delete(BatchItem).where(
            BatchItem.case_id == case.id,
            (BatchItem.category != "invalid")
            | (BatchItem.details["source"].as_string() == "roster"),
        )
    )
    session.add_all(_items(case.id, found))
    if uploaded is not None:  # the uploaded roster's unreadable rows
        session.add_all(_invalid(case.id, uploaded, "roster"))
    session.add_all(_carried(session, case.id, batch, bill))
    session.flush()


def _uploaded_roster(session: Session, raw_id: object) -> Table | None:
    """The file of a roster import, when the reconciliation is against it."""
    if raw_id is None or str(raw_id).strip() == "":
        return None
    job = jobs.find(session, raw_id, "roster")
    if job is None or job.status not in (JobStatus.READY.value, JobStatus.APPLIED.value):
        raise Invalid(_("没有这个已读取的名册导入（编号 {id}）").format(id=raw_id))
    return _table(job)


def _invalid(case_id: int, table: Table, source: str) -> list[BatchItem]:
    return [
        BatchItem(
            case_id=case_id,
            category="invalid",
            id_number="",
            name="",
            details={
                "file": table.file,
                "sheet": p.sheet,
                "row": p.row,
                "reason": p.text(),
                "source": source,
            },
        )
        for p in table.problems
    ]


def _items(case_id: int, found: Reconciliation) -> list[BatchItem]:
    return [
        BatchItem(
            case_id=case_id,
            category=item.category,
            id_number=item.id_number,
            name=item.name[:50],
            details={k: v for k, v in item.as_json().items() if k not in ("roster_row",)},
        )
        for item in found.items
    ]


def _carried(
    session: Session, case_id: int, batch: BatchDetails, bill: list[Record]
) -> list[BatchItem]:
    """Last month's declared enrolments not billed now, and declared stops still billed."""
    month = Month.parse(batch.month)
    before = month.previous()
    previous = session.scalar(
        select(BatchDetails.case_id).where(
            BatchDetails.region_id == batch.region_id, BatchDetails.month == str(before)
        )
    )
    if previous is None:
        return []
    billed = {
        line.id_number
        for line in bill
        if line.pay_type in ("", NORMAL) and (line.period or str(month)) == str(month)
    }
    found = []
    for item in session.scalars(
        select(BatchItem)
        .where(
            BatchItem.case_id == previous,
            BatchItem.resolution.in_((Resolution.ENROLLED.value, Resolution.STOPPED.value)),
        )
        .order_by(BatchItem.id)
    ):
        enrolled = item.resolution == Resolution.ENROLLED.value
        if enrolled == (item.id_number in billed):
            continue
        found.append(
            BatchItem(
                case_id=case_id,
                category="declared_not_billed" if enrolled else "stopped_still_billed",
                id_number=item.id_number,
                name=item.name,
                details={"carried_from": previous, "month": str(before)},
            )
        )
    return found


def resolve(
    *,
    session: Session,
    case: Case,
    item_id: int,
    resolution: str,
    reason: str,
    actor: User,
    now: datetime,
) -> BatchItem:
    """Record what was done about one difference (again, to change it), before the batch
    closes."""
    case_service.require_may_act(case, actor)
    if case.closed_at is not None:
        raise Conflict(_("本月批次已结束，不能再更改"))
    item = session.get(BatchItem, item_id)
    if item is None or item.case_id != case.id:
        raise NotFound(_("没有这一项差异（编号 {id}）").format(id=item_id))
    if resolution not in RESOLUTIONS:
        raise Invalid(_("处理结果无效"), field_errors={"resolution": _("处理结果：无效")})
    reason = reason.strip()
    if len(reason) > 500 or "\x00" in reason:
        raise Invalid(_("原因过长或含有不允许的字符"), field_errors={"reason": _("原因：过长")})
    if resolution == Resolution.IGNORED.value and not reason:
        raise Invalid(
            _("选择“不处理”时须写明原因"), field_errors={"reason": _("原因：不处理时必填")}
        )
    item.resolution, item.reason = resolution, reason
    item.resolved_by_id, item.resolved_at = actor.id, now
    session.flush()
    return item


def open_items(session: Session, case_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(BatchItem)
            .where(BatchItem.case_id == case_id, BatchItem.resolution.is_(None))
        )
        or 0
    )


_EXPORT_HEADERS = [
    N_("身份证号码"),
    N_("姓名"),
    N_("名册姓名"),
    N_("账单姓名"),
    N_("名册缴费基数"),
    N_("账单缴费基数"),
    N_("费款所属期"),
    N_("缴费类型"),
    N_("说明"),
    N_("处理结果"),
    N_("原因"),
]


def _money_cell(value: object) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def export(*, session: Session, case: Case, actor: User, translate: Callable[[str], str]) -> bytes:
    """The batch's items as a workbook the specialist keeps working in: a summary, then a
    sheet per category with what each item comes from and its resolution. It prints whole
    ID numbers: the export is audited on the batch with their count."""
    batch = details(session, case)
    items = list(
        session.scalars(
            select(BatchItem).where(BatchItem.case_id == case.id).order_by(BatchItem.id)
        )
    )
    audit.id_numbers_listed(
        session=session,
        actor=actor,
        case_id=case.id,
        count=sum(1 for i in items if i.id_number),
        via="items_xlsx",
    )
    counts = {key: sum(1 for i in items if i.category == key) for key in CATEGORIES}
    tables: list[workbook.Table] = [
        (
            translate(N_("汇总")) + f" {batch.month}",
            [N_("类别"), N_("代码"), N_("人数"), N_("待处理")],
            [
                [
                    translate(label),
                    key,
                    counts[key],
                    sum(1 for i in items if i.category == key and i.resolution is None),
                ]
                for key, label in CATEGORIES.items()
            ],
        )
    ]
    for key, label in CATEGORIES.items():
        rows: list[list[object]] = []
        for item in (i for i in items if i.category == key):
            d = item.details
            note = (
                f"{d.get('file', '')} {d.get('sheet', '')}!{d.get('row', '')} {d.get('reason', '')}"
                if key == "invalid"
                else d.get("client") or d.get("month") or ""
            )
            rows.append(
                [
                    item.id_number,
                    item.name,
                    d.get("roster_name"),
                    d.get("bill_name"),
                    _money_cell(d.get("roster_base")),
                    _money_cell(d.get("bill_base")),
                    d.get("period"),
                    d.get("pay_type"),
                    note.strip() or None,
                    translate(RESOLUTIONS[item.resolution]) if item.resolution else None,
                    item.reason or None,
                ]
            )
        if rows:
            tables.append((translate(label), _EXPORT_HEADERS, rows))
    return workbook.tables_workbook(tables, translate)
