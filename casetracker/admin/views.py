"""The audit log, read only: the app offers no way to edit or delete it."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import Response

from casetracker.audit import service as audit_service
from casetracker.auth.models import Role
from casetracker.web.deps import DbSession, PageNumber, require_role
from casetracker.web.templating import render

router = APIRouter(
    prefix="/admin", include_in_schema=False, dependencies=[Depends(require_role(Role.ADMIN))]
)
Filter = Annotated[str, Query(max_length=100)]
PER_PAGE = 50


@router.get("/audit")
def audit_log(
    request: Request,
    session: DbSession,
    action: Filter = "",
    subject_type: Filter = "",
    actor: Filter = "",
    page: PageNumber = 1,
) -> Response:
    events, total = audit_service.list_events(
        session=session,
        action=action or None,
        subject_type=subject_type or None,
        actor=actor or None,
        offset=(page - 1) * PER_PAGE,
        limit=PER_PAGE,
    )
    return render(
        request,
        "admin/audit.html",
        {
            "events": events,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "action": action,
            "subject_type": subject_type,
            "actor": actor,
        },
    )
