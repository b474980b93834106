"""The home page (我的工作台): the signed-in user's open cases, nearest deadline first."""

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from casetracker.core import clock
from casetracker.desk import service as desk_service
from casetracker.web.deps import CurrentUser, DbSession
from casetracker.web.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def desk(request: Request, session: DbSession, user: CurrentUser) -> Response:
    today = clock.today()
    home = desk_service.desk(
        session=session,
        user=user,
        now=clock.now(),
        today=today,
        head_counts=request.app.state.head_counts,
    )
    return render(request, "desk/home.html", {**vars(home), "today": today})


@router.get("/healthz", include_in_schema=False)
def healthz(session: DbSession) -> dict[str, str]:
    session.execute(select(1))
    return {"status": "ok"}
