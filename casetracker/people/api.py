"""JSON API for clients and insured people (`/api/v1`, bearer tokens)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from casetracker.auth.models import User
from casetracker.auth.schemas import person_out
from casetracker.core.identifiers import mask_id_number
from casetracker.core.pagination import fetch_slice
from casetracker.people import service as people_service
from casetracker.people.models import Client, InsuredPerson
from casetracker.people.schemas import ClientOut, InsuredOut, ListOut
from casetracker.web.deps import AppSettings, DbSession, RowId, require_api_role
from casetracker.web.errors import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["people"], responses=API_ERRORS)
ApiCaller = Annotated[User, Depends(require_api_role())]
MAX_LIMIT = 500
SearchQuery = Annotated[
    str, Query(max_length=100, description="姓名片段、完整身份证号或其末 4 位以上")
]


def _client_out(client: Client) -> ClientOut:
    return ClientOut(
        id=client.id,
        name=client.name,
        credit_code=client.credit_code,
        default_region=client.default_region.name,
        sales_rep=client.sales_rep.name if client.sales_rep else None,
        owner=person_out(client.owner) if client.owner else None,
    )


@router.get("/clients", summary="全部客户")
def list_clients(session: DbSession, _user: ApiCaller) -> ListOut[ClientOut]:
    clients = people_service.all_clients(session=session)
    items = [_client_out(c) for c in clients]
    return ListOut(items=items, total=len(items), offset=0, limit=len(items))


def _insured_out(person: InsuredPerson, *, full: bool) -> InsuredOut:
    return InsuredOut(
        id=person.id,
        name=person.name,
        id_number=person.id_number if full else mask_id_number(person.id_number),
        id_number_masked=not full,
        client_id=person.client_id,
        client=person.client.name,
        region=person.region.name,
        hire_on=person.hire_on,
        leave_on=person.leave_on,
        contribution_base=(
            str(person.contribution_base) if person.contribution_base is not None else None
        ),
    )


@router.get("/insured", summary="参保人（按姓名或身份证号搜索）")
def list_insured(
    session: DbSession,
    _user: ApiCaller,
    q: SearchQuery = "",
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
) -> ListOut[InsuredOut]:
    """Matching people, `limit` at a time (default 50, at most 500), `total` beside them:
    page with `offset`. A name fragment of any length and the last digits of an ID number
    are served by indexes. ID numbers are masked for
    everyone (a whole-number list would flood the audit log); `GET /api/v1/insured/{id}`
    shows one whole to the roles allowed to see it."""
    people, total = fetch_slice(
        session, people_service.insured_query(q=q), offset=offset, limit=limit
    )
    return ListOut(
        items=[_insured_out(p, full=False) for p in people],
        total=total,
        offset=offset,
        limit=limit,
    )


@router.get("/insured/{insured_id}", summary="参保人详情")
def get_insured(
    insured_id: RowId,
    session: DbSession,
    user: ApiCaller,
    settings: AppSettings,
) -> InsuredOut:
    """The ID number is whole for the roles in `CASETRACKER_ID_FULL_VIEW_ROLES` (admin by
    default), each view audited (`insured.id_number_viewed`); masked for everyone else."""
    person = people_service.require_insured(session=session, person_id=insured_id)
    full = people_service.show_full_id(
        session=session, person=person, actor=user, settings=settings, via="api_insured_detail"
    )
    return _insured_out(person, full=full)
