"""The regions' wage figures by year: entered by an admin (audited), read by the calculator."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.benefits.models import WageStandard
from casetracker.core.errors import Invalid
from casetracker.core.i18n import _
from casetracker.core.money import parse_money
from casetracker.core.validation import parse_int
from casetracker.people.models import Region

EARLIEST, LATEST = 2000, 2100


@dataclass(frozen=True)
class Row:
    region: Region
    standards: list[WageStandard]


def listing(*, session: Session) -> list[Row]:
    by_region: dict[int, list[WageStandard]] = {}
    for row in session.scalars(select(WageStandard).order_by(WageStandard.year.desc())):
        by_region.setdefault(row.region_id, []).append(row)
    regions = session.scalars(select(Region).order_by(Region.id))
    return [Row(region, by_region.get(region.id, [])) for region in regions]


def for_year(*, session: Session, region_id: int, year: int) -> WageStandard | None:
    return session.scalar(
        select(WageStandard).where(WageStandard.region_id == region_id, WageStandard.year == year)
    )


def save(
    *, session: Session, region_id: int, form: dict[str, str], actor: User, now: datetime
) -> WageStandard:
    """A region's figures for a year (again: replaced), each refusal naming its field."""
    errors: dict[str, str] = {}
    year = parse_int(form.get("year", ""))
    if year is None or not EARLIEST <= year <= LATEST:
        errors["year"] = _("年度：应为 {low}–{high} 之间的年份").format(low=EARLIEST, high=LATEST)
    average: Decimal | None = None
    try:
        average = parse_money(form.get("average_monthly_wage", ""))
        if average <= 0:
            raise ValueError(_("应大于 0"))
    except ValueError as exc:
        errors["average_monthly_wage"] = _("职工月平均工资：{why}").format(why=exc)
    minimum: Decimal | None = None
    if form.get("minimum_wage", "").strip():
        try:
            minimum = parse_money(form["minimum_wage"])
        except ValueError as exc:
            errors["minimum_wage"] = _("最低工资标准：{why}").format(why=exc)
    if session.get(Region, region_id) is None:
        errors["region_id"] = _("参保地：不存在")
    if errors or year is None or average is None:
        raise Invalid("；".join(errors.values()), field_errors=errors)
    row = for_year(session=session, region_id=region_id, year=year)
    before = (
        {
            "average_monthly_wage": str(row.average_monthly_wage),
            "minimum_wage": str(row.minimum_wage),
        }
        if row
        else None
    )
    if row is None:
        row = WageStandard(region_id=region_id, year=year)
        session.add(row)
    row.average_monthly_wage, row.minimum_wage = average, minimum
    row.updated_by_id, row.updated_at = actor.id, now
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="region.wages_set",
        subject_type="region",
        subject_id=region_id,
        before=before,
        after={
            "year": year,
            "average_monthly_wage": str(average),
            "minimum_wage": str(minimum) if minimum is not None else None,
        },
        at=now,
    )
    return row
