"""Pages for clients (客户) and insured people (参保人): lists with search, detail, edit."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BeforeValidator
from starlette.responses import Response

from casetracker.core.errors import Invalid
from casetracker.core.validation import PositiveId, blank_to_none
from casetracker.people import service as people_service
from casetracker.people.schemas import ClientForm, InsuredForm
from casetracker.web.deps import (
    AppSettings,
    CurrentUser,
    DbSession,
    FormFields,
    PageNumber,
    RowId,
    SearchText,
    client_ip,
    require_role,
)
from casetracker.web.forms import validate_form
from casetracker.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role())])


Filter = Annotated[PositiveId | None, BeforeValidator(blank_to_none), Query()]
Status = Annotated[str, Query(pattern="^(|active|left)$")]


def _client_choices(session: DbSession) -> dict[str, Any]:
    return {
        "regions": people_service.list_regions(session=session),
        "sales_reps": people_service.list_sales_reps(session=session),
        "specialists": people_service.list_specialists(session=session),
    }


# --- clients -------------------------------------------------------------------------------


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
    return render(
        request,
        "people/client_form.html",
        {"client": None, "values": {}, "errors": {}, **_client_choices(session)},
    )


@router.post("/clients/new")
def client_create(
    request: Request, session: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    try:
        data = validate_form(ClientForm, form)
        client = people_service.create_client(session=session, data=data, actor=user)
    except Invalid as exc:
        return render(
            request,
            "people/client_form.html",
            {
                "client": None,
                "values": form,
                "errors": exc.field_errors,
                "error": exc.message,
                **_client_choices(session),
            },
            status_code=422,
        )
    return RedirectResponse(f"/clients/{client.id}", 303)


@router.get("/clients/{client_id}")
def client_detail(request: Request, session: DbSession, client_id: RowId) -> Response:
    client = people_service.require_client(session=session, client_id=client_id)
    people = people_service.list_insured(session=session, client_id=client.id, per_page=20)
    return render(request, "people/client_detail.html", {"client": client, "people": people})


@router.get("/clients/{client_id}/edit")
def client_edit(request: Request, session: DbSession, client_id: RowId) -> Response:
    client = people_service.require_client(session=session, client_id=client_id)
    values = {f: getattr(client, f) for f in people_service.CLIENT_FIELDS}
    return render(
        request,
        "people/client_form.html",
        {"client": client, "values": values, "errors": {}, **_client_choices(session)},
    )


@router.post("/clients/{client_id}/edit")
def client_update(
    request: Request, session: DbSession, user: CurrentUser, client_id: RowId, form: FormFields
) -> Response:
    client = people_service.require_client(session=session, client_id=client_id)
    try:
        data = validate_form(ClientForm, form)
        people_service.update_client(session=session, client=client, data=data, actor=user)
    except Invalid as exc:
        return render(
            request,
            "people/client_form.html",
            {
                "client": client,
                "values": form,
                "errors": exc.field_errors,
                "error": exc.message,
                **_client_choices(session),
            },
            status_code=422,
        )
    return RedirectResponse(f"/clients/{client.id}", 303)


# --- insured people ------------------------------------------------------------------------


def _insured_choices(session: DbSession) -> dict[str, Any]:
    return {
        "regions": people_service.list_regions(session=session),
        "clients": people_service.all_clients(session=session),
    }


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
    return render(
        request,
        "people/insured_form.html",
        {
            "person": None,
            "values": {"client_id": client},
            "errors": {},
            **_insured_choices(session),
        },
    )


def _insured_form_error(
    request: Request, session: DbSession, person: Any, form: dict[str, str], exc: Invalid
) -> Response:
    # On edit the stored number never goes back into the form; what was typed does.
    values = dict(form)
    return render(
        request,
        "people/insured_form.html",
        {
            "person": person,
            "values": values,
            "errors": exc.field_errors,
            "error": exc.message,
            **_insured_choices(session),
        },
        status_code=422,
    )


@router.post("/insured/new")
def insured_create(
    request: Request, session: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    try:
        data = validate_form(InsuredForm, form)
        person = people_service.create_insured(session=session, data=data, actor=user)
    except Invalid as exc:
        return _insured_form_error(request, session, None, form, exc)
    return RedirectResponse(f"/insured/{person.id}", 303)


@router.get("/insured/{person_id}")
def insured_detail(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    person_id: RowId,
) -> Response:
    person = people_service.require_insured(session=session, person_id=person_id)
    full = people_service.may_see_full_id(user, settings)
    if full:
        people_service.record_full_id_view(
            session=session,
            people=[person],
            actor=user,
            ip=client_ip(request),
            via="insured_detail",
        )
    return render(request, "people/insured_detail.html", {"person": person, "full_id": full})


@router.get("/insured/{person_id}/edit")
def insured_edit(request: Request, session: DbSession, person_id: RowId) -> Response:
    person = people_service.require_insured(session=session, person_id=person_id)
    values = {f: getattr(person, f) for f in people_service.INSURED_FIELDS if f != "id_number"}
    return render(
        request,
        "people/insured_form.html",
        {"person": person, "values": values, "errors": {}, **_insured_choices(session)},
    )


@router.post("/insured/{person_id}/edit")
def insured_update(
    request: Request, session: DbSession, user: CurrentUser, person_id: RowId, form: FormFields
) -> Response:
    person = people_service.require_insured(session=session, person_id=person_id)
    try:
        data = validate_form(InsuredForm, form)
        people_service.update_insured(session=session, person=person, data=data, actor=user)
    except Invalid as exc:
        return _insured_form_error(request, session, person, form, exc)
    return RedirectResponse(f"/insured/{person.id}", 303)
