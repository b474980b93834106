"""Pages: the accident intake form (立案), and on every case the materials, contacts and
reassignment forms."""

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BeforeValidator
from starlette.concurrency import run_in_threadpool

from casetracker.auth import service as auth_service
from casetracker.auth.models import Role, User
from casetracker.cases import service as case_service
from casetracker.cases.views import section_refused
from casetracker.contacts import service as contact_service
from casetracker.contacts.schemas import ContactIn
from casetracker.core import clock
from casetracker.core.errors import DomainError, Invalid
from casetracker.core.i18n import _
from casetracker.core.validation import PositiveId, blank_to_none
from casetracker.injury import service as injury_service
from casetracker.injury.schemas import AccidentIn
from casetracker.materials import service as materials_service
from casetracker.people import service as people_service
from casetracker.web.deps import (
    CurrentUser,
    DbSession,
    FormFields,
    RowId,
    client_ip,
    require_role,
)
from casetracker.web.forms import validate_form
from casetracker.web.responses import file_response
from casetracker.web.templating import render
from casetracker.web.uploads import read_upload

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
        return _intake(request, session, dict(form), errors, exc.message)
    return RedirectResponse(f"/cases/{case.id}" + ("" if created else "?existing=1"), 303)


def _back(case_id: int, anchor: str) -> Response:
    return RedirectResponse(f"/cases/{case_id}#{anchor}", 303)


@router.post("/cases/{case_id}/attachments")
async def upload(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    case_id: RowId,
    item: Annotated[str, Form(max_length=40)],
    file: Annotated[UploadFile, File()],
) -> Response:
    try:
        content = await read_upload(file)
    except Invalid as exc:  # too large: say so on the case page, like any other refusal
        return await run_in_threadpool(_refused_upload, request, session, user, case_id, exc)
    return await run_in_threadpool(
        _upload, request, session, user, case_id, item, file.filename or "", content
    )


def _refused_upload(
    request: Request, session: DbSession, user: User, case_id: int, exc: Invalid
) -> Response:
    case = case_service.require_case(session=session, case_id=case_id)
    return section_refused(request, session, case, user, "materials", exc)


def _upload(
    request: Request,
    session: DbSession,
    user: User,
    case_id: int,
    item: str,
    filename: str,
    content: bytes,
) -> Response:
    case = case_service.require_case(session=session, case_id=case_id)
    try:
        case_service.require_may_act(case, user)
        materials_service.attach(
            session=session,
            case=case,
            item_code=item,
            filename=filename,
            content=content,
            actor=user,
            now=clock.now(),
        )
    except DomainError as exc:
        return section_refused(request, session, case, user, "materials", exc)
    return _back(case.id, "materials")


@router.get("/cases/{case_id}/attachments/{attachment_id}")
def download(
    request: Request, session: DbSession, user: CurrentUser, case_id: RowId, attachment_id: RowId
) -> Response:
    """The owner and supervisors, like packets: uploads carry whole ID numbers."""
    case = case_service.require_case(session=session, case_id=case_id)
    case_service.require_may_act(case, user)
    row = materials_service.open_attachment(
        session=session, case=case, attachment_id=attachment_id, actor=user, ip=client_ip(request)
    )
    return file_response(
        row.content,
        media_type=row.content_type,
        filename=row.filename,
        inline=row.content_type == "application/pdf",
    )


@router.post("/cases/{case_id}/contacts")
def contact(
    request: Request, session: DbSession, user: CurrentUser, case_id: RowId, form: FormFields
) -> Response:
    case = case_service.require_case(session=session, case_id=case_id)
    try:
        case_service.require_may_act(case, user)
        data = validate_form(ContactIn, form)
        contact_service.log_contact(
            session=session, case=case, data=data, actor=user, now=clock.now()
        )
    except DomainError as exc:
        return section_refused(request, session, case, user, "contacts", exc, contact_values=form)
    return _back(case.id, "contacts")


@router.post("/cases/{case_id}/owner", dependencies=[Depends(require_role(Role.SUPERVISOR))])
def reassign(
    request: Request, session: DbSession, user: CurrentUser, case_id: RowId, form: FormFields
) -> Response:
    case = case_service.require_case(session=session, case_id=case_id)
    owner = auth_service.get_user(session=session, username=form.get("owner", "")[:50])
    refusal = None
    if owner is None or owner.role != Role.SPECIALIST or not owner.is_active:
        refusal = _("负责人应为在职专员")
    elif owner.id == case.owner_id:
        refusal = _("{name} 已是本案负责人").format(name=owner.display_name)
    if refusal or owner is None:
        return section_refused(request, session, case, user, "owner", Invalid(refusal or ""))
    try:
        case_service.reassign(session=session, case=case, owner=owner, actor=user, now=clock.now())
    except Invalid as exc:  # a closed or withdrawn case keeps its owner
        return section_refused(request, session, case, user, "owner", exc)
    return _back(case.id, "top")
