"""The out-of-town daily check: the local partner's list of the people insured in a 外地
region against the sales reps' reported hires and departures (the same readers and the
same matching by ID number), with the day's enrolments and departures totalled.

Differences, each with the rows it comes from:
- `hire_not_listed` 入职未参保: a hire reported (hired on or before the day, not leaving by
  it) whom the partner's list does not carry;
- `left_still_listed` 离职未停保: a departure reported (left before the day) still on the list;
- `name_mismatch` 姓名不符: on both, under another name;
- `invalid`: an unreadable row of either file.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.auth.models import User
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.core.errors import Conflict, Invalid
from casetracker.core.i18n import N_, _
from casetracker.people.models import Region
from casetracker.reconcile.models import DailyCheck
from casetracker.reconcile.records import Record, Table
from casetracker.workflows.daily_check import TYPE

DIFFERENCES: dict[str, str] = {
    "hire_not_listed": N_("入职未参保"),
    "left_still_listed": N_("离职未停保"),
    "name_mismatch": N_("姓名不符"),
    "invalid": N_("无法读取的行"),
}


@dataclass
class DayResult:
    listed: int
    hires: int
    leavers: int
    differences: list[dict[str, Any]] = field(default_factory=list)


def _same(name: str) -> str:
    return name.replace(" ", "").replace("\u3000", "")


def compare(*, partner: Table, changes: Table, day: date) -> DayResult:
    """The day's check of the partner's list against the reps' changes."""
    listed = {r.id_number: r for r in partner.records}
    found = DayResult(
        listed=len(listed),
        hires=sum(1 for r in changes.records if r.hire_on == day),
        leavers=sum(1 for r in changes.records if r.leave_on == day),
    )

    def add(category: str, record: Record, **more: Any) -> None:
        found.differences.append(
            {"category": category, "id_number": record.id_number, "name": record.name,
             "sheet": record.sheet, "row": record.row, **more}
        )  # fmt: skip

    for change in changes.records:
        on_list = listed.get(change.id_number)
        left = change.leave_on is not None and change.leave_on < day
        hired = change.hire_on is None or change.hire_on <= day
        staying = change.leave_on is None or change.leave_on > day  # (leaving today: not new)
        if hired and staying and on_list is None:
            add("hire_not_listed", change, hire_on=_iso(change.hire_on))
        if left and on_list is not None:
            add("left_still_listed", change, leave_on=_iso(change.leave_on))
        if on_list is not None and _same(on_list.name) != _same(change.name):
            add("name_mismatch", change, listed_name=on_list.name)
    for table in (partner, changes):
        for problem in table.problems:
            found.differences.append(
                {"category": "invalid", "file": table.file, "sheet": problem.sheet,
                 "row": problem.row, "reason": problem.text()}
            )  # fmt: skip
    return found


def _iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def open_daily(*, session: Session, region_id: int, owner: User, now: datetime) -> Case:
    """The daily check of an out-of-town region: one running case per region."""
    region = session.get(Region, region_id)
    if region is None:
        raise Invalid(_("参保地不存在"), field_errors={"region_id": _("参保地：不存在")})
    if region.is_local:
        raise Invalid(_("本市不做外地名单日常核对"))
    running = session.scalar(
        select(Case.id).where(
            Case.type == TYPE, Case.region_id == region_id, Case.closed_at.is_(None)
        )
    )
    if running is not None:
        raise Conflict(
            _("{region} 的日常核对已在进行（案件 #{id}）").format(region=region.name, id=running)
        )
    return case_service.open_case(
        session=session,
        case_type=TYPE,
        client_id=None,
        region_id=region_id,
        owner=owner,
        event_at=now,
        now=now,
        title=f"{region.name} 外地名单日常核对",
    )


def record(
    *,
    session: Session,
    case: Case,
    day: date,
    partner: Table,
    changes: Table,
    actor: User,
    now: datetime,
) -> DailyCheck:
    """Store the day's check and record it on the case (which meets the day's clock and
    starts the next working day's); a day is checked once."""
    case_service.require_may_act(case, actor)
    if session.scalar(
        select(DailyCheck.id).where(DailyCheck.case_id == case.id, DailyCheck.day == day)
    ):
        raise Conflict(_("{day} 已经核对过了").format(day=day.isoformat()))
    result = compare(partner=partner, changes=changes, day=day)
    check = DailyCheck(
        case_id=case.id,
        day=day,
        partner_file=partner.file[:255],
        changes_file=changes.file[:255],
        listed=result.listed,
        hires=result.hires,
        leavers=result.leavers,
        differences=result.differences,
        recorded_by_id=actor.id,
        recorded_at=now,
    )
    session.add(check)
    session.flush()
    case_service.fire(
        session=session,
        case=case,
        transition="record_check",
        version=case.version,
        raw_fields={"checked_on": day.isoformat()},
        actor=actor,
        now=now,
    )
    return check


def uploaded(session: Session, case: Case, raw_day: object) -> bool:
    """The guard of `record_check`: that day's lists are stored."""
    try:
        day = date.fromisoformat(str(raw_day))
    except ValueError:
        return False
    return (
        session.scalar(
            select(DailyCheck.id).where(DailyCheck.case_id == case.id, DailyCheck.day == day)
        )
        is not None
    )


def checks(session: Session, case: Case) -> list[DailyCheck]:
    return list(
        session.scalars(
            select(DailyCheck)
            .where(DailyCheck.case_id == case.id)
            .order_by(DailyCheck.day.desc())
            .limit(60)
        )
    )
