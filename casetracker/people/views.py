"""Pages for clients (客户) and insured people (参保人): lists with search, detail, edit."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, Protocol, TypeVar

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, BeforeValidator
from sqlalchemy.orm import Session
from starlette.responses import Response

from casetracker.auth.models import User
from casetracker.core.errors import Invalid
from casetracker.core.validation import PositiveId, blank_to_none
from casetracker.people import panels
from casetracker.people import service as people_service
from casetracker.people.models import Client, InsuredPerson
from casetracker.people.schemas import ClientForm, InsuredForm
from casetracker.web.deps import (
    AppSettings,
    CurrentUser,
    DbSession,
    FormFields,
    PageNumber,
    RowId,
    SearchText,
    require_role,
)
from casetracker.web.forms import form_refused, validate_form
from casetracker.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role())])


Filter = Annotated[PositiveId | None, BeforeValidator(blank_to_none), Query()]
Status = Annotated[str, Query(pattern="^(|active|left)$")]

F = TypeVar("F", bound=BaseModel)
F_contra = TypeVar("F_contra", bound=BaseModel, contravariant=True)
R = TypeVar("R", Client, InsuredPerson)
WRITE_ONLY = {"id_number"}  # edit forms never show it: a blank field keeps the stored one


class _Save(Protocol[F_contra, R]):
    def __call__(self, *, session: Session, existing: R | None, data: F_contra, actor: User) -> R:
        """Create (`existing` None) or update a row from validated form data."""


@dataclass(frozen=True)
class _EditPage(Generic[F, R]):
    """One kind of row's form page, for a new row and an edit alike."""

    template: str
    subject: str  # the template's name for the row being edited (None for a new one)
    path: str  # where a saved row is shown: path/id
    form: type[F]
    choices: Callable[[Session], dict[str, Any]]  # what the form's <select>s offer
    save: _Save[F, R]


def _form_page(
    request: Request,
    session: DbSession,
    page: _EditPage[F, R],
    row: R | None,
    values: dict[str, Any] | None = None,
) -> Response:
    """A new row's empty form (starting from `values`), or an edit's from the stored row."""
    if row is not None:
        values = {f: getattr(row, f) for f in page.form.model_fields if f not in WRITE_ONLY}
    return render(
        request,
        page.template,
        {page.subject: row, "values": values, "errors": {}, **page.choices(session)},
    )


def _submit(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    page: _EditPage[F, R],
    row: R | None,
    form: dict[str, str],
) -> Response:
    """Validate and save: then the saved row's page, or else the form again with what was
    typed and the errors (422, the transaction rolled back)."""
    try:
        data = validate_form(page.form, form)
        saved = page.save(session=session, existing=row, data=data, actor=user)
    except Invalid as exc:
        return form_refused(
            request,
            session,
            page.template,
            {
                page.subject: row,
                "values": dict(form),
                "errors": exc.field_errors,
                "error": exc.message,
                **page.choices(session),
            },
        )
    return RedirectResponse(f"{page.path}/{saved.id}", 303)


# --- clients -------------------------------------------------------------------------------


def _client_choices(session: DbSession) -> dict[str, Any]:
    return {
        "regions": people_service.list_regions(session=session),
        "sales_reps": people_service.list_sales_reps(session=session),
        "specialists": people_service.list_specialists(session=session),
    }


CLIENT_PAGE = _EditPage(
    template="people/client_form.html",
    subject="client",
    path="/clients",
    form=ClientForm,
    choices=_client_choices,
    save=people_service.save_client,
)


@router.get("/clients")
def client_list(
    request: Request,
    session: DbSession,
    q: SearchText = "",
    region: Filter = None,
    sales_rep: Filter = None,
    page: PageNumber = 1,
) -> Response:
    result = people_service.list_clients(
        session=session, q=q, region_id=region, sales_rep_id=sales_rep, page=page
    )
    return render(
        request,
        "people/client_list.html",
        {
            "page": result,
            "q": q,
            "region": region,
            "sales_rep": sales_rep,
            **_client_choices(session),
        },
    )


@router.get("/clients/new")
def client_new(request: Request, session: DbSession) -> Response:
    return _form_page(request, session, CLIENT_PAGE, None, {})


@router.post("/clients/new")
def client_create(
    request: Request, session: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    return _submit(request, session, user, CLIENT_PAGE, None, form)


@router.get("/clients/{client_id}")
def client_detail(request: Request, session: DbSession, client_id: RowId) -> Response:
    client = people_service.require_client(session=session, client_id=client_id)
    people = people_service.list_insured(session=session, client_id=client.id, per_page=20)
    return render(request, "people/client_detail.html", {"client": client, "people": people})


@router.get("/clients/{client_id}/edit")
def client_edit(request: Request, session: DbSession, client_id: RowId) -> Response:
    client = people_service.require_client(session=session, client_id=client_id)
    return _form_page(request, session, CLIENT_PAGE, client)


@router.post("/clients/{client_id}/edit")
def client_update(
    request: Request, session: DbSession, user: CurrentUser, client_id: RowId, form: FormFields
) -> Response:
    client = people_service.require_client(session=session, client_id=client_id)
    return _submit(request, session, user, CLIENT_PAGE, client, form)


# --- insured people ------------------------------------------------------------------------


def _insured_choices(session: DbSession) -> dict[str, Any]:
    return {
        "regions": people_service.list_regions(session=session),
        "clients": people_service.all_clients(session=session),
    }


INSURED_PAGE = _EditPage(
    template="people/insured_form.html",
    subject="person",
    path="/insured",
    form=InsuredForm,
    choices=_insured_choices,
    save=people_service.save_insured,
)


@router.get("/insured")
def insured_list(
    request: Request,
    session: DbSession,
    q: SearchText = "",
    client: Filter = None,
    region: Filter = None,
    status: Status = "",
    page: PageNumber = 1,
) -> Response:
    result = people_service.list_insured(
        session=session, q=q, client_id=client, region_id=region, status=status, page=page
    )
    return render(
        request,
        "people/insured_list.html",
        {
            "page": result,
            "q": q,
            "client": client,
            "region": region,
            "status": status,
            **_insured_choices(session),
        },
    )


@router.get("/insured/new")
def insured_new(request: Request, session: DbSession, client: Filter = None) -> Response:
    return _form_page(request, session, INSURED_PAGE, None, {"client_id": client})


@router.post("/insured/new")
def insured_create(
    request: Request, session: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    return _submit(request, session, user, INSURED_PAGE, None, form)


@router.get("/insured/{person_id}")
def insured_detail(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    person_id: RowId,
) -> Response:
    person = people_service.require_insured(session=session, person_id=person_id)
    full = people_service.show_full_id(
        session=session, person=person, actor=user, settings=settings, via="insured_detail"
    )
    return render(
        request,
        "people/insured_detail.html",
        {"person": person, "full_id": full, "panels": panels.shown(session, person)},
    )


@router.get("/insured/{person_id}/edit")
def insured_edit(request: Request, session: DbSession, person_id: RowId) -> Response:
    person = people_service.require_insured(session=session, person_id=person_id)
    return _form_page(request, session, INSURED_PAGE, person)


@router.post("/insured/{person_id}/edit")
def insured_update(
    request: Request, session: DbSession, user: CurrentUser, person_id: RowId, form: FormFields
) -> Response:
    person = people_service.require_insured(session=session, person_id=person_id)
    return _submit(request, session, user, INSURED_PAGE, person, form)
