"""JSON API: the supervisor's overview."""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from casetracker.auth.models import Role, User
from casetracker.core import clock
from casetracker.core.clock import local
from casetracker.overview import service
from casetracker.web.deps import DbSession, require_api_role
from casetracker.web.errors import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["overview"], responses=API_ERRORS)
Supervisor = Annotated[User, Depends(require_api_role(Role.SUPERVISOR, Role.ADMIN))]


class CountsOut(BaseModel):
    open: int
    due_today: int
    due_3d: int
    overdue: int


class RowOut(CountsOut):
    key: str
    label: str


class DayOut(BaseModel):
    date: str
    overdue: int


class WaitingOut(BaseModel):
    alert_id: int
    case_id: int
    clock_kind: str
    owner: str
    due_at: str
    raised_at: str
    repeat: int


class OverviewOut(BaseModel):
    total: CountsOut
    by_specialist: list[RowOut]
    by_region: list[RowOut]
    by_client: list[RowOut]
    by_type: list[RowOut]
    overdue_per_day: list[DayOut]
    escalations_waiting: list[WaitingOut]


def _rows(rows: list[service.Row]) -> list[RowOut]:
    return [RowOut(key=r.key, label=r.label, **vars(r.counts)) for r in rows]


@router.get("/overview", summary="主管总览：未结、今天到期、3 天内到期、逾期")
def get_overview(session: DbSession, _user: Supervisor) -> OverviewOut:
    """Open cases by specialist, region, client and case type (open, due today, due
    within 3 days, overdue: by each case's earliest open clock), overdue clocks at the end of
    each of the last 90 days, and the escalations no supervisor has acknowledged."""
    found = service.overview(session=session, now=clock.now())
    return OverviewOut(
        total=CountsOut(**vars(found.total)),
        by_specialist=_rows(found.by_owner),
        by_region=_rows(found.by_region),
        by_client=_rows(found.by_client),
        by_type=_rows(found.by_type),
        overdue_per_day=[DayOut(date=d.isoformat(), overdue=n) for d, n in found.overdue_per_day],
        escalations_waiting=[
            WaitingOut(
                alert_id=w.alert_id,
                case_id=w.case_id,
                clock_kind=w.clock_kind,
                owner=w.owner,
                due_at=local(w.due_at).isoformat(),
                raised_at=local(w.raised_at).isoformat(),
                repeat=w.repeat,
            )
            for w in found.waiting
        ],
    )
