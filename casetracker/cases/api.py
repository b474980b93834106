"""JSON API for cases: read one, fire a transition, list with filters."""

from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query
from sqlalchemy import select

from casetracker.auth.models import User
from casetracker.cases import service as case_service
from casetracker.cases.schemas import CaseListOut, CaseOut, case_out
from casetracker.core import clock
from casetracker.core.clock import CHINA_TZ
from casetracker.core.errors import Invalid
from casetracker.core.i18n import _
from casetracker.core.pagination import fetch_slice
from casetracker.core.validation import PositiveId
from casetracker.web.deps import DbSession, RowId, require_api_role

router = APIRouter(prefix="/api/v1", tags=["cases"])
ApiCaller = Annotated[User, Depends(require_api_role())]
Text = Annotated[str | None, Query(max_length=40)]


@router.get("/cases/{case_id}", summary="案件（状态、可执行操作、时限）")
def get_case(case_id: RowId, session: DbSession, user: ApiCaller) -> CaseOut:
    case = case_service.require_case(session=session, case_id=case_id)
    return case_out(case, user, clock.now())


@router.post("/cases/{case_id}/transitions", summary="执行操作（状态流转）")
def fire_transition(
    case_id: RowId,
    session: DbSession,
    user: ApiCaller,
    body: Annotated[
        dict[str, Any],
        Body(
            examples=[
                {"transition": "submit_application", "version": 3, "submitted_on": "2026-11-23"}
            ]
        ),
    ],
) -> CaseOut:
    """`transition` and `version` are required; the transition's own fields sit beside them.
    409: the case changed since `version`; 422: refused, with the reason in `detail`."""
    name, version = body.get("transition"), body.get("version")
    errors = {}
    if not isinstance(name, str) or not name:
        errors["transition"] = _("transition：必填，应为操作名称")
    if not isinstance(version, int) or isinstance(version, bool):
        errors["version"] = _("version：必填，应为整数")
    if errors:
        raise Invalid("；".join(errors.values()), field_errors=errors)
    note = body.get("note", "")
    now = clock.now()
    case = case_service.require_case(session=session, case_id=case_id)
    case_service.fire(
        session=session,
        case=case,
        transition=str(name),
        version=int(version),  # type: ignore[arg-type]
        raw_fields=body,
        actor=user,
        now=now,
        note=note if isinstance(note, str) else "",
    )
    return case_out(case, user, now)


def _owner_id(session: DbSession, owner: str | None) -> int | None:
    if not owner:
        return None
    if owner.isdigit():
        return int(owner)
    found = session.scalar(select(User.id).where(User.username == owner))
    return found if found is not None else -1


def _due_before(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            return datetime.combine(date.fromisoformat(value), time(0), tzinfo=CHINA_TZ)
        except ValueError:
            raise Invalid(_("due_before：应为日期或 ISO 8601 时间")) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)


@router.get("/cases", summary="案件列表（按最近到期的时限排序）")
def list_cases(
    session: DbSession,
    user: ApiCaller,
    type: Text = None,
    state: Text = None,
    owner: Annotated[str | None, Query(max_length=50, description="用户编号或登录名")] = None,
    region: Annotated[PositiveId | None, Query()] = None,
    client: Annotated[PositiveId | None, Query()] = None,
    overdue: bool = False,
    due_before: Annotated[str | None, Query(max_length=40)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CaseListOut:
    now = clock.now()
    filters = case_service.CaseFilter(
        type=type or None,
        state=state or None,
        owner_id=_owner_id(session, owner),
        region_id=region,
        client_id=client,
        overdue=overdue,
        due_before=_due_before(due_before),
    )
    cases, total = fetch_slice(
        session, case_service.case_query(filters, now), offset=offset, limit=limit
    )
    return CaseListOut(
        items=[case_out(c, user, now) for c in cases], total=total, offset=offset, limit=limit
    )
