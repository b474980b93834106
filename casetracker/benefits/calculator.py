"""What an injured employee is owed by their disability grade and nursing level, with every
figure's formula and article (《工伤保险条例》). Pure functions on Decimal; each amount is
computed from the rounded 本人工资 and rounded to the cent, half up.

- 本人工资 (art. 64): the mean of the monthly contribution wages of the (up to) twelve months
  before the injury, rounded to the cent, then held between 60 % and 300 % of the area's
  average monthly wage;
- one-time disability subsidy (arts. 35–37): months of 本人工资 by grade;
- monthly disability allowance (arts. 35–36): a share of 本人工资 for grades 1–6, topped up
  to the local minimum wage when below it; none for grades 7–10;
- monthly nursing fee (art. 34): a share of the area's previous-year average monthly wage.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from casetracker.core.i18n import N_, _
from casetracker.core.money import CENT, money_text

SUBSIDY_MONTHS = {1: 27, 2: 25, 3: 23, 4: 21, 5: 18, 6: 16, 7: 13, 8: 11, 9: 9, 10: 7}
ALLOWANCE_SHARE = {
    1: Decimal("0.90"),
    2: Decimal("0.85"),
    3: Decimal("0.80"),
    4: Decimal("0.75"),
    5: Decimal("0.70"),
    6: Decimal("0.60"),
}
NURSING_SHARE = {1: Decimal("0.50"), 2: Decimal("0.40"), 3: Decimal("0.30")}
FLOOR_SHARE, CEILING_SHARE = Decimal("0.60"), Decimal("3.00")
MAX_MONTHS = 12

_ARTICLE_BY_GRADE = {
    **dict.fromkeys(range(1, 5), N_("《工伤保险条例》第三十五条")),
    **dict.fromkeys(range(5, 7), N_("《工伤保险条例》第三十六条")),
    **dict.fromkeys(range(7, 11), N_("《工伤保险条例》第三十七条")),
}
WAGE_BASIS = N_("《工伤保险条例》第六十四条")
NURSING_BASIS = N_("《工伤保险条例》第三十四条")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _percent(share: Decimal) -> str:
    return f"{share * 100:.0f}%"


@dataclass(frozen=True)
class Inputs:
    monthly_wages: Sequence[Decimal]
    area_average_monthly_wage: Decimal
    previous_year_area_average_monthly_wage: Decimal
    grade: int | None  # None: 未达级 (below grade 10)
    nursing_level: int | None
    minimum_wage: Decimal | None = None


@dataclass(frozen=True)
class PersonalWage:
    mean: Decimal  # the months' mean, to the cent
    amount: Decimal  # after the clamp
    clamp: str | None  # floor / ceiling / None
    floor: Decimal
    ceiling: Decimal
    months: int
    formula: str
    basis: str


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    formula: str
    basis: str
    amount: Decimal


@dataclass(frozen=True)
class Result:
    personal_wage: PersonalWage
    items: list[Item]


def personal_wage(wages: Sequence[Decimal], area_average: Decimal) -> PersonalWage:
    if not 1 <= len(wages) <= MAX_MONTHS:
        raise ValueError("1 to 12 monthly wages")
    mean = cents(sum(wages, Decimal(0)) / len(wages))
    floor, ceiling = cents(area_average * FLOOR_SHARE), cents(area_average * CEILING_SHARE)
    clamp = "floor" if mean < floor else "ceiling" if mean > ceiling else None
    amount = floor if clamp == "floor" else ceiling if clamp == "ceiling" else mean
    formula = _("{n} 个月缴费工资的平均值 {mean} 元").format(n=len(wages), mean=money_text(mean))
    if clamp == "floor":
        formula += _("，低于当地职工月平均工资 {avg} 元的 60%，按 {floor} 元计").format(
            avg=money_text(area_average), floor=money_text(floor)
        )
    elif clamp == "ceiling":
        formula += _("，高于当地职工月平均工资 {avg} 元的 300%，按 {ceiling} 元计").format(
            avg=money_text(area_average), ceiling=money_text(ceiling)
        )
    return PersonalWage(mean, amount, clamp, floor, ceiling, len(wages), formula, _(WAGE_BASIS))


def _subsidy(wage: Decimal, grade: int) -> Item:
    months = SUBSIDY_MONTHS[grade]
    return Item(
        "disability_subsidy",
        _("一次性伤残补助金"),
        _("本人工资 {wage} 元 × {months} 个月（{grade} 级伤残）").format(
            wage=money_text(wage), months=months, grade=grade
        ),
        _(_ARTICLE_BY_GRADE[grade]),
        cents(wage * months),
    )


def _allowance(wage: Decimal, grade: int, minimum: Decimal | None) -> Item | None:
    share = ALLOWANCE_SHARE.get(grade)
    if share is None:
        return None
    amount = cents(wage * share)
    formula = _("本人工资 {wage} 元 × {share}（{grade} 级伤残）").format(
        wage=money_text(wage), share=_percent(share), grade=grade
    )
    if grade >= 5:
        formula += _("，用人单位难以安排工作时由用人单位按月发给")
    if minimum is not None and amount < minimum:
        formula += _(" = {amount} 元，低于当地最低工资标准，补足至 {minimum} 元").format(
            amount=money_text(amount), minimum=money_text(minimum)
        )
        amount = cents(minimum)
    return Item(
        "disability_allowance_monthly",
        _("伤残津贴（每月）"),
        formula,
        _(_ARTICLE_BY_GRADE[grade]),
        amount,
    )


def _nursing(previous_year_average: Decimal, level: int) -> Item:
    share = NURSING_SHARE[level]
    return Item(
        "nursing_fee_monthly",
        _("生活护理费（每月）"),
        _("上年度当地职工月平均工资 {avg} 元 × {share}（生活护理 {level} 级）").format(
            avg=money_text(previous_year_average), share=_percent(share), level=level
        ),
        _(NURSING_BASIS),
        cents(previous_year_average * share),
    )


def calculate(inputs: Inputs) -> Result:
    """Every benefit owed for the grade and level, each with its formula and article; a
    benefit not owed is left out (未达级: none; grades 7–10: no allowance)."""
    wage = personal_wage(inputs.monthly_wages, inputs.area_average_monthly_wage)
    items: list[Item] = []
    if inputs.grade is not None:
        items.append(_subsidy(wage.amount, inputs.grade))
        allowance = _allowance(wage.amount, inputs.grade, inputs.minimum_wage)
        if allowance is not None:
            items.append(allowance)
    if inputs.nursing_level is not None:
        items.append(_nursing(inputs.previous_year_area_average_monthly_wage, inputs.nursing_level))
    return Result(wage, items)
