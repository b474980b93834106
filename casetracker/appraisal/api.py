"""JSON API: open an appraisal from a recognised injury case."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from casetracker.appraisal import service
from casetracker.auth.models import User
from casetracker.cases import service as case_service
from casetracker.cases.schemas import CaseOut, case_out
from casetracker.core import clock
from casetracker.web.deps import CaseId, DbSession, require_api_role
from casetracker.web.errors import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["appraisal"], responses=API_ERRORS)
ApiCaller = Annotated[User, Depends(require_api_role())]


@router.post(
    "/cases/{injury_id}/appraisals",
    status_code=201,
    response_model=CaseOut,
    summary="从已认定工伤的案件发起劳动能力鉴定",
)
def open_appraisal(session: DbSession, user: ApiCaller, injury_id: CaseId) -> Any:
    """A new appraisal case (as `GET /api/v1/cases/{id}` returns it, with `parent_id`) for
    the injury's owner and person; its steps may be dated back to the recognition decision.
    409 when the injury case is not recognised; 403 for who may not act on it."""
    injury = case_service.require_case(session=session, case_id=injury_id)
    now = clock.now()
    case = service.open_appraisal(session=session, injury=injury, actor=user, now=now)
    return JSONResponse(case_out(case, user, now).model_dump(mode="json"), status_code=201)
