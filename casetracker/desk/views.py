"""The home page: what the signed-in user is responsible for."""

from fastapi import APIRouter, Request
from sqlalchemy import func, or_, select
from starlette.responses import Response

from casetracker.core import clock
from casetracker.people.models import Client, InsuredPerson
from casetracker.web.deps import CurrentUser, DbSession
from casetracker.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def desk(request: Request, session: DbSession, user: CurrentUser) -> Response:
    today = clock.today()
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
