"""What a case page shows of the benefits: the inputs (the twelve months' contribution wages
from the stored monthly bills, the region's wage figures), every figure with its formula, or
what is still lacking to compute them. The duty says which injury, grade and level."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.benefits import calculator, standards
from casetracker.benefits.models import WageStandard
from casetracker.core.i18n import _
from casetracker.reconcile.classes import Month
from casetracker.reconcile.models import BillLine
from casetracker.reconcile.records import NORMAL


@dataclass(frozen=True)
class MonthWage:
    period: str
    wage: Decimal


@dataclass
class BenefitsView:
    injured_on: date
    grade: int | None
    nursing_level: int | None
    concluded: bool  # a conclusion is recorded (else 本人工资 alone)
    months: list[MonthWage]
    standard: WageStandard | None  # the injury year's figures (the clamp, the minimum wage)
    nursing_standard: WageStandard | None  # the conclusion year's (the nursing fee)
    result: calculator.Result | None = None
    lacking: list[str] = field(default_factory=list)


def months_before(injured_on: date, count: int = calculator.MAX_MONTHS) -> list[str]:
    """The `count` months before the injury's month, oldest first (2025-12 … 2026-11)."""
    found = []
    month = Month(injured_on.year, injured_on.month)
    for _n in range(count):
        month = month.previous()
        found.append(str(month))
    return found[::-1]


def contribution_wages(*, session: Session, id_number: str, injured_on: date) -> list[MonthWage]:
    """The person's regular billed base of each of the twelve months before the injury, as
    the stored monthly bills hold them (a month no bill holds is left out)."""
    periods = months_before(injured_on)
    found: dict[str, Decimal] = {}
    for period, base in session.execute(
        select(BillLine.period, BillLine.base)
        .where(
            BillLine.id_number == id_number,
            BillLine.period.in_(periods),
            BillLine.pay_type.in_(("", NORMAL)),
            BillLine.base.is_not(None),
        )
        .order_by(BillLine.id)
    ):
        if base is not None:
            found.setdefault(period, base)
    return [MonthWage(p, found[p]) for p in periods if p in found]


def for_case(
    *,
    session: Session,
    region_id: int,
    id_number: str | None,
    injured_on: date,
    grade: int | None,
    nursing_level: int | None,
    concluded_on: date | None,
) -> BenefitsView:
    months = (
        contribution_wages(session=session, id_number=id_number, injured_on=injured_on)
        if id_number
        else []
    )
    standard = standards.for_year(session=session, region_id=region_id, year=injured_on.year)
    nursing_standard = (
        standards.for_year(session=session, region_id=region_id, year=concluded_on.year)
        if concluded_on
        else standard
    )
    view = BenefitsView(
        injured_on=injured_on,
        grade=grade,
        nursing_level=nursing_level,
        concluded=concluded_on is not None,
        months=months,
        standard=standard,
        nursing_standard=nursing_standard,
    )
    if not months:
        view.lacking.append(_("受伤前 12 个月的缴费记录（月度对账中的账单）"))
    if standard is None:
        view.lacking.append(
            _("{year} 年度的当地职工月平均工资（管理员设置）").format(year=injured_on.year)
        )
    if nursing_level and nursing_standard is None and concluded_on is not None:
        view.lacking.append(
            _("{year} 年度的当地职工月平均工资（管理员设置）").format(year=concluded_on.year)
        )
    if view.lacking or standard is None:
        return view
    view.result = calculator.calculate(
        calculator.Inputs(
            monthly_wages=[m.wage for m in months],
            area_average_monthly_wage=standard.average_monthly_wage,
            previous_year_area_average_monthly_wage=(
                nursing_standard or standard
            ).average_monthly_wage,
            grade=grade,
            nursing_level=nursing_level,
            minimum_wage=standard.minimum_wage,
        )
    )
    return view
