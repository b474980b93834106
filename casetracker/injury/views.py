"""Page: the accident intake form (立案)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BeforeValidator

from casetracker.core import clock
from casetracker.core.errors import Invalid
from casetracker.core.validation import PositiveId, blank_to_none
from casetracker.injury import service as injury_service
from casetracker.injury.schemas import AccidentIn
from casetracker.people import service as people_service
from casetracker.web.deps import (
    CurrentUser,
    DbSession,
    FormFields,
    require_role,
)
from casetracker.web.forms import validate_form
from casetracker.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role())])
Filter = Annotated[PositiveId | None, BeforeValidator(blank_to_none), Query()]


def _intake(
    request: Request,
    session: DbSession,
    values: dict[str, object],
    errors: dict[str, str] | None = None,
    error: str = "",
) -> Response:
    return render(
        request,
        "injury/new.html",
        {
            "values": values,
            "errors": errors or {},
            "error": error,
            "clients": people_service.all_clients(session=session),
            "regions": people_service.list_regions(session=session),
        },
        status_code=422 if error else 200,
    )


@router.get("/injury/new")
def intake_form(request: Request, session: DbSession, client: Filter = None) -> Response:
    return _intake(request, session, {"client_id": client})


@router.post("/injury/new")
def intake(request: Request, session: DbSession, user: CurrentUser, form: FormFields) -> Response:
    payload = {
        **form,
        "employee": {
            "name": form.get("employee_name", ""),
            "id_number": form.get("employee_id_number", ""),
            "phone": form.get("employee_phone", ""),
            "hire_on": form.get("employee_hire_on", ""),
        },
    }
    try:
        data = validate_form(AccidentIn, payload)
        case, created = injury_service.record_accident(
            session=session, data=data, actor=user, now=clock.now()
        )
    except Invalid as exc:
        errors = {k.replace("employee.", "employee_"): v for k, v in exc.field_errors.items()}
        page = _intake(request, session, dict(form), errors, exc.message)
        session.rollback()  # nothing of a refused intake commits (a person it created first)
        return page
    return RedirectResponse(f"/cases/{case.id}" + ("" if created else "?existing=1"), 303)
