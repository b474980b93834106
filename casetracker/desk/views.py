"""The home page (我的工作台): the signed-in user's open cases, nearest deadline first."""

from fastapi import APIRouter, Request
from sqlalchemy import func, or_, select
from starlette.responses import Response

from casetracker.auth.models import Role
from casetracker.cases import service as case_service
from casetracker.cases.schemas import case_out
from casetracker.core import clock
from casetracker.people.models import Client, InsuredPerson
from casetracker.web.deps import CurrentUser, DbSession
from casetracker.web.templating import render

router = APIRouter(include_in_schema=False)
DESK_CASES = 50


@router.get("/")
def desk(request: Request, session: DbSession, user: CurrentUser) -> Response:
    now = clock.now()
    today = clock.today()
    open_cases = session.scalars(
        case_service.case_query(
            # A supervisor's desk is the team's: every open case, nearest deadline first.
            case_service.CaseFilter(
                owner_id=None if user.role == Role.SUPERVISOR else user.id, open_only=True
            ),
            now,
        ).limit(DESK_CASES)
    ).all()
    my_clients = list(
        session.scalars(select(Client).where(Client.owner_id == user.id).order_by(Client.name))
    )
    active = or_(InsuredPerson.leave_on.is_(None), InsuredPerson.leave_on >= today)
    counts: dict[int, int] = dict(
        session.execute(
            select(InsuredPerson.client_id, func.count())
            .where(active)
            .group_by(InsuredPerson.client_id)
        ).all()
    )
    return render(
        request,
        "desk/home.html",
        {
            "cases": [case_out(c, user, now) for c in open_cases],
            "my_clients": my_clients,
            "counts": counts,
            "today": today,
            "total_clients": session.scalar(select(func.count()).select_from(Client)),
            "total_active": session.scalar(
                select(func.count()).select_from(InsuredPerson).where(active)
            ),
        },
    )


@router.get("/healthz", include_in_schema=False)
def healthz(session: DbSession) -> dict[str, str]:
    session.execute(select(1))
    return {"status": "ok"}
