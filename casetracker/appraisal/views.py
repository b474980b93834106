"""Pages: open an appraisal from the injury case's page."""

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from casetracker.appraisal import service
from casetracker.core import clock
from casetracker.web.deps import CurrentUser, DbSession, WorkableCase

router = APIRouter(include_in_schema=False)


@router.post("/cases/{case_id}/appraisals")
def open_appraisal(session: DbSession, user: CurrentUser, case: WorkableCase) -> Response:
    appraisal = service.open_appraisal(session=session, injury=case, actor=user, now=clock.now())
    return RedirectResponse(f"/cases/{appraisal.id}", 303)
