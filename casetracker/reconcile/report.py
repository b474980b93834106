"""The monthly report of a batch, for the supervisor: the differences by class and by
client, what is still open, the bill's total against the bank's deduction, and the region's
last twelve months (people billed, bill totals, enrolments and stops declared)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from markupsafe import Markup
from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casetracker.cases.models import Case
from casetracker.cases.types import PacketData
from casetracker.core.i18n import N_, in_locale
from casetracker.core.money import money_text
from casetracker.reconcile import workbook
from casetracker.reconcile.batch import CATEGORIES, details
from casetracker.reconcile.models import BatchDetails, BatchItem, BillLine, Resolution
from casetracker.workflows.engine import Label

MONTHS = 12
PACKET = "monthly_report"
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 180, 70, 22, 12


@dataclass(frozen=True)
class MonthRow:
    month: str
    people: int
    total: Decimal
    enrolled: int
    stopped: int


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    row: MonthRow


@dataclass
class Report:
    batch: BatchDetails
    by_class: dict[str, tuple[int, int]]  # category → (items, still open)
    by_client: dict[str, dict[str, int]]  # client → category → items
    trend: list[MonthRow]
    difference: Decimal | None
    bars: list[Bar] = field(default_factory=list)
    top: Decimal = Decimal(0)


def _trend(session: Session, region_id: int, month: str) -> list[MonthRow]:
    batches = session.execute(
        select(BatchDetails.case_id, BatchDetails.month, BatchDetails.bill_total)
        .where(BatchDetails.region_id == region_id, BatchDetails.month <= month)
        .order_by(BatchDetails.month.desc())
        .limit(MONTHS)
    ).all()
    ids = [case_id for case_id, _month, _total in batches]
    people = dict(
        session.execute(
            select(BillLine.case_id, func.count(func.distinct(BillLine.id_number)))
            .where(BillLine.case_id.in_(ids))
            .group_by(BillLine.case_id)
        ).all()
    )
    declared = {
        case_id: (enrolled or 0, stopped or 0)
        for case_id, enrolled, stopped in session.execute(
            select(
                BatchItem.case_id,
                func.sum(when((BatchItem.resolution == Resolution.ENROLLED.value, 1), else_=0)),
                func.sum(when((BatchItem.resolution == Resolution.STOPPED.value, 1), else_=0)),
            )
            .where(BatchItem.case_id.in_(ids))
            .group_by(BatchItem.case_id)
        )
    }
    return [
        MonthRow(
            month=m,
            people=people.get(case_id, 0),
            total=total or Decimal(0),
            enrolled=int(declared.get(case_id, (0, 0))[0]),
            stopped=int(declared.get(case_id, (0, 0))[1]),
        )
        for case_id, m, total in reversed(batches)
    ]


def _bars(trend: list[MonthRow]) -> tuple[list[Bar], Decimal]:
    top = max((row.total for row in trend), default=Decimal(0))
    if not trend or top <= 0:
        return [], top
    slot = (WIDTH - LEFT) / MONTHS
    plot = HEIGHT - BOTTOM - TOP
    bars = []
    for n, row in enumerate(trend):
        height = float(row.total / top) * plot
        bars.append(Bar(LEFT + n * slot + 4, HEIGHT - BOTTOM - height, slot - 8, height, row))
    return bars, top


def chart(found: Report, label: str) -> Markup:
    """The twelve months' bill totals as bars, this month's darker (the page and the PDF
    draw the same SVG); nothing when no month has a total."""
    if not found.bars:
        return Markup("")
    axis = HEIGHT - BOTTOM
    parts = [
        Markup(
            '<svg class="chart" role="img" viewBox="0 0 {w} {h}" width="100%" aria-label="{label}"'
            ' font-family="Packet Sans, sans-serif" font-size="11">'
            '<line x1="{x}" y1="{top}" x2="{x}" y2="{axis}" stroke="#999"/>'
            '<text x="{tx}" y="{ty}" text-anchor="end">{most}</text>'
        ).format(
            w=WIDTH,
            h=HEIGHT,
            label=label,
            x=LEFT,
            top=TOP,
            axis=axis,
            tx=LEFT - 4,
            ty=TOP + 4,
            most=money_text(found.top),
        )
    ]
    for n, bar in enumerate(found.bars):
        parts.append(
            Markup(
                '<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}">'
                "<title>{month}：{total}</title></rect>"
                '<text x="{mx:.1f}" y="{my}" text-anchor="middle">{short}</text>'
            ).format(
                x=bar.x,
                y=bar.y,
                w=bar.width,
                h=bar.height,
                fill="#2c7be5" if n == len(found.bars) - 1 else "#9bbce8",
                month=bar.row.month,
                total=money_text(bar.row.total),
                mx=bar.x + bar.width / 2,
                my=HEIGHT - 6,
                short=bar.row.month[5:],
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def report(*, session: Session, case: Case) -> Report:
    batch = details(session, case)
    items = list(session.scalars(select(BatchItem).where(BatchItem.case_id == case.id)))
    by_class = {
        key: (
            sum(1 for i in items if i.category == key),
            sum(1 for i in items if i.category == key and i.resolution is None),
        )
        for key in CATEGORIES
    }
    by_client: dict[str, dict[str, int]] = {}
    for item in items:
        client = str(item.details.get("client") or "—")
        row = by_client.setdefault(client, {})
        row[item.category] = row.get(item.category, 0) + 1
    trend = _trend(session, batch.region_id, batch.month)
    bars, top = _bars(trend)
    difference = (
        batch.deducted_amount - batch.bill_total
        if batch.deducted_amount is not None and batch.bill_total is not None
        else None
    )
    return Report(batch, by_class, dict(sorted(by_client.items())), trend, difference, bars, top)


def _figures(found: Report) -> str:
    """Every figure the report prints, written out (the packet's fingerprint)."""
    return repr(
        (
            found.batch.month,
            found.batch.bill_total,
            found.batch.deducted_amount,
            found.by_class,
            found.by_client,
            found.trend,
        )
    )


def packet_data(session: Session, case: Case) -> PacketData:
    """The report as a PDF on the packet framework: its figures and the same chart."""
    found = report(session=session, case=case)
    return PacketData(
        {"r": found, "categories": CATEGORIES, "chart_svg": chart(found, "近 12 个月账单合计")},
        _figures(found),
    )


_NOT_CLOSED = N_("本月批次结束（数字还会变）")


def missing(_session: Session, case: Case) -> list[Label]:
    """Final once the month is closed: until then its figures may still change."""
    return [] if case.closed_at is not None else [Label(_NOT_CLOSED, in_locale("en", _NOT_CLOSED))]


def export(found: Report, tr: Callable[[str], str]) -> bytes:
    """The report as a workbook: the classes, the clients, the twelve months."""
    classes: workbook.Table = (
        tr(N_("差异")),
        [N_("类别"), N_("人数"), N_("待处理")],
        [[tr(CATEGORIES[k]), n, left] for k, (n, left) in found.by_class.items()],
    )
    keys = [k for k, (n, _left) in found.by_class.items() if n]
    clients: workbook.Table = (
        tr(N_("按客户")),
        [N_("派遣单位"), *[CATEGORIES[k] for k in keys]],
        [[client, *[row.get(k, 0) for k in keys]] for client, row in found.by_client.items()],
    )
    months: workbook.Table = (
        tr(N_("近 12 个月")),
        [N_("月份"), N_("计费人数"), N_("账单合计"), N_("已增员"), N_("已减员")],
        [[r.month, r.people, r.total, r.enrolled, r.stopped] for r in found.trend],
    )
    money: workbook.Table = (
        tr(N_("扣款")),
        [N_("月份"), N_("账单合计"), N_("银行扣款"), N_("扣款差额")],
        [
            [
                found.batch.month,
                found.batch.bill_total,
                found.batch.deducted_amount,
                found.difference,
            ]
        ],
    )
    return workbook.tables_workbook([classes, clients, months, money], tr)
