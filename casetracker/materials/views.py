"""Pages: uploading and downloading a case's documents; the admin page of the materials
checklist per case type and region (data, not code)."""

import re
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import RedirectResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.responses import Response

from casetracker.auth.models import Role, User
from casetracker.cases import registry
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.cases.views import back_to_case, section_refused
from casetracker.core import clock
from casetracker.core.errors import DomainError, Invalid
from casetracker.core.i18n import N_, _
from casetracker.core.validation import OptionalId, text
from casetracker.materials import service as materials_service
from casetracker.people import service as people_service
from casetracker.web.deps import (
    CurrentCase,
    CurrentUser,
    DbSession,
    FormFields,
    RowId,
    WorkableCase,
    client_ip,
    require_role,
)
from casetracker.web.forms import validate_form
from casetracker.web.responses import file_response
from casetracker.web.templating import render
from casetracker.web.uploads import read_upload

case_router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role())])
router = APIRouter(
    prefix="/admin/materials",
    include_in_schema=False,
    dependencies=[Depends(require_role(Role.ADMIN))],
)


CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _code(value: str) -> str:
    if not CODE.match(value):
        raise ValueError(_("2–40 个小写英文字母、数字或下划线，以字母开头，如 payslips"))
    return value


class MaterialForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    case_type: Annotated[str, Field(max_length=30, title=N_("案件类型"))]
    region_id: OptionalId = Field(None, title=N_("参保地"))
    code: Annotated[str, Field(max_length=40, title=N_("代码")), AfterValidator(_code)]
    name: text(100, min_length=1) = Field(title=N_("材料名称"))  # type: ignore[valid-type]
    name_en: text(100) = Field("", title=N_("英文名称"))  # type: ignore[valid-type]
    required: bool = Field(False, title=N_("必备"))
    position: Annotated[int, Field(ge=0, le=999, title=N_("顺序"))] = 0


def _page(request: Request, session: DbSession, **extra: object) -> Response:
    return render(
        request,
        "admin/materials.html",
        {
            "items": materials_service.all_items(session=session),
            "regions": people_service.list_regions(session=session),
            "workflows": registry.workflows(),
            **extra,
        },
        status_code=422 if extra.get("error") else 200,
    )


@router.get("")
def materials_page(request: Request, session: DbSession) -> Response:
    return _page(request, session)


@router.post("")
def add_item(request: Request, session: DbSession, user: CurrentUser, form: FormFields) -> Response:
    try:
        data = validate_form(MaterialForm, {**form, "required": form.get("required") == "true"})
        materials_service.save_item(session=session, actor=user, **data.model_dump())
    except Invalid as exc:
        return _page(request, session, error=exc.message, values=form)
    return RedirectResponse("/admin/materials", 303)


@router.post("/{item_id}")
def change_item(
    session: DbSession, user: CurrentUser, item_id: RowId, form: FormFields
) -> Response:
    materials_service.change_item(
        session=session,
        item_id=item_id,
        actor=user,
        required=form.get("required") == "true",
        active=form.get("active") == "true",
    )
    return RedirectResponse("/admin/materials", 303)


# --- a case's documents ---------------------------------------------------------------


@case_router.post("/cases/{case_id}/attachments")
async def upload(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    case: CurrentCase,
    item: Annotated[str, Form(max_length=40)],
    file: Annotated[UploadFile, File()],
) -> Response:
    try:
        content = await read_upload(file)
    except Invalid as exc:  # too large: say so on the case page, like any other refusal
        return await run_in_threadpool(_refused_upload, request, session, user, case, exc)
    return await run_in_threadpool(
        _upload, request, session, user, case, item, file.filename or "", content
    )


def _refused_upload(
    request: Request, session: DbSession, user: User, case: Case, exc: Invalid
) -> Response:
    return section_refused(request, session, case, user, "materials", exc)


def _upload(
    request: Request,
    session: DbSession,
    user: User,
    case: Case,
    item: str,
    filename: str,
    content: bytes,
) -> Response:
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
    return back_to_case(case.id, "materials")


def _refused_change(
    request: Request,
    session: DbSession,
    user: User,
    case: Case,
    exc: DomainError,
    *,
    attachment_id: int,
    action: str,
    reason: str,
) -> Response:
    """The case page again with the refusal in the materials section and the form reopened
    with the reason typed; the request's transaction is rolled back (nothing written)."""
    response = section_refused(
        request,
        session,
        case,
        user,
        f"materials.{action}",
        exc,
        attachment_failed=(attachment_id, action, reason[:500]),
    )
    session.rollback()
    return response


@case_router.post("/cases/{case_id}/attachments/{attachment_id}/remove")
def remove(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    case: CurrentCase,
    attachment_id: RowId,
    form: FormFields,
) -> Response:
    """Take an upload off the checklist, with a reason (refused once it was handed in)."""
    reason = form.get("reason", "")
    try:
        case_service.require_may_act(case, user)
        materials_service.remove_attachment(
            session=session,
            case=case,
            attachment_id=attachment_id,
            reason=reason,
            actor=user,
            now=clock.now(),
        )
    except DomainError as exc:
        return _refused_change(
            request,
            session,
            user,
            case,
            exc,
            attachment_id=attachment_id,
            action="remove",
            reason=reason,
        )
    return back_to_case(case.id, "materials")


@case_router.post("/cases/{case_id}/attachments/{attachment_id}/replace")
async def replace(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    case: CurrentCase,
    attachment_id: RowId,
    file: Annotated[UploadFile, File()],
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Put a new file in an upload's place, with a reason."""
    try:
        content = await read_upload(file)
    except Invalid as exc:  # too large
        return await run_in_threadpool(
            _refused_change,
            request,
            session,
            user,
            case,
            exc,
            attachment_id=attachment_id,
            action="replace",
            reason=reason,
        )
    return await run_in_threadpool(
        _replace, request, session, user, case, attachment_id, file.filename or "", content, reason
    )


def _replace(
    request: Request,
    session: DbSession,
    user: User,
    case: Case,
    attachment_id: int,
    filename: str,
    content: bytes,
    reason: str,
) -> Response:
    try:
        case_service.require_may_act(case, user)
        materials_service.replace_attachment(
            session=session,
            case=case,
            attachment_id=attachment_id,
            filename=filename,
            content=content,
            reason=reason,
            actor=user,
            now=clock.now(),
        )
    except DomainError as exc:
        return _refused_change(
            request,
            session,
            user,
            case,
            exc,
            attachment_id=attachment_id,
            action="replace",
            reason=reason,
        )
    return back_to_case(case.id, "materials")


@case_router.get("/cases/{case_id}/attachments/{attachment_id}")
def download(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    case: WorkableCase,
    attachment_id: RowId,
) -> Response:
    """The owner and supervisors, like packets: uploads carry whole ID numbers."""
    row = materials_service.open_attachment(
        session=session, case=case, attachment_id=attachment_id, actor=user, ip=client_ip(request)
    )
    return file_response(
        row.content,
        media_type=row.content_type,
        filename=row.filename,
        inline=True,  # PDF, JPG or PNG, checked by content at upload: the browser shows them
    )
