"""Admin page: the materials checklist per case type and region (data, not code)."""

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from starlette.responses import Response

from casetracker.auth.models import Role
from casetracker.core.errors import Invalid
from casetracker.core.i18n import N_, _
from casetracker.core.validation import OptionalId, text
from casetracker.materials import service as materials_service
from casetracker.people import service as people_service
from casetracker.web.deps import CurrentUser, DbSession, FormFields, RowId, require_role
from casetracker.web.forms import validate_form
from casetracker.web.templating import render
from casetracker.workflows import registry

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
    required: bool = Field(False, title=N_("必备"))
    position: Annotated[int, Field(ge=0, le=999, title=N_("顺序"))] = 0


def _page(request: Request, session: DbSession, **extra: object) -> Response:
    return render(
        request,
        "admin/materials.html",
        {
            "items": materials_service.all_items(session=session),
            "regions": people_service.list_regions(session=session),
            "workflows": registry.WORKFLOWS,
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
