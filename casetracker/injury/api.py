"""JSON API: record an accident (立案)."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends
from fastapi.responses import JSONResponse

from casetracker.auth.models import User
from casetracker.cases.schemas import CaseOut, case_out
from casetracker.core import clock
from casetracker.injury import service as injury_service
from casetracker.injury.schemas import AccidentIn
from casetracker.web.deps import DbSession, require_api_role
from casetracker.web.errors import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["injury"], responses=API_ERRORS)
ApiCaller = Annotated[User, Depends(require_api_role())]


INTAKE_EXAMPLE = {
    "client_id": 1,
    "employee": {"name": "李秀英", "id_number": "11010519491231002X"},
    "accident_at": "2026-11-20T22:30:00+08:00",
    "place": "二号车间",
    "description": "搬运货物时扭伤腰部",
}


@router.post(
    "/injury-cases",
    status_code=201,
    response_model=CaseOut,
    summary="登记工伤事故（立案）",
    responses={
        200: {
            "model": CaseOut,
            "description": "同一员工同一事故时间已登记：返回已有案件，不重复立案",
        },
        201: {"description": "新立的案件"},
    },
)
def record_accident(
    session: DbSession,
    user: ApiCaller,
    body: Annotated[AccidentIn, Body(examples=[INTAKE_EXAMPLE])],
) -> Any:
    """The recorder owns the case. `region` (optional) is a region id or name; the client's
    default otherwise. An unknown employee is created on the spot. The same employee's
    accident at the same time recorded again answers 200 with the case already open."""
    now = clock.now()
    case, created = injury_service.record_accident(session=session, data=body, actor=user, now=now)
    out = case_out(case, user, now)
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if created else 200)
