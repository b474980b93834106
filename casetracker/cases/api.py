"""JSON API for cases: read one, fire a transition, list with filters."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from casetracker.auth.models import User
from casetracker.cases import corrections, listing
from casetracker.cases import service as case_service
from casetracker.cases.schemas import CaseListOut, CaseOut, case_out, case_summaries
from casetracker.core import clock
from casetracker.core.errors import Invalid
from casetracker.core.i18n import N_, _
from casetracker.core.validation import MAX_DB_INT, PositiveId, parse_int, parse_moment, text
from casetracker.web.deps import ApiCase, DbSession, require_api_role
from casetracker.web.errors import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["cases"], responses=API_ERRORS)
ApiCaller = Annotated[User, Depends(require_api_role())]
Text = Annotated[str | None, Query(max_length=40)]


class TransitionIn(BaseModel):
    """A transition to fire: its name, the case version it was chosen on, an optional note,
    and beside them the transition's own fields (`allowed_transitions[].fields` of the case:
    dates as YYYY-MM-DD, times as ISO 8601, lists as arrays of text)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                {"transition": "submit_application", "version": 3, "submitted_on": "2026-11-23"}
            ]
        },
    )

    transition: text(40, min_length=1) = Field(title=N_("操作"))  # type: ignore[valid-type]
    version: Annotated[int, Field(strict=True, ge=1, le=MAX_DB_INT)] = Field(title=N_("案件版本"))
    note: text(2000) = Field("", title=N_("备注"))  # type: ignore[valid-type]


class CorrectionIn(BaseModel):
    """A correction: either an opening fact (`field` and `value`, e.g. `accident_at`) or a
    recorded step (`transition_id`, an `id` from the case's `timeline`, and the step's
    `fields` to change, e.g. `{"accepted_on": "2026-11-24"}`); always the `version` the
    correction was decided on and a `reason`."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "version": 2,
                    "field": "accident_at",
                    "value": "2026-11-20T22:30:00+08:00",
                    "reason": "报案时误记为次日",
                },
                {
                    "version": 5,
                    "transition_id": 4,
                    "fields": {"accepted_on": "2026-11-24"},
                    "reason": "受理通知书日期为 24 日",
                },
            ]
        },
    )

    version: Annotated[int, Field(strict=True, ge=1, le=MAX_DB_INT)] = Field(title=N_("案件版本"))
    reason: text(500) = Field(title=N_("原因"))  # type: ignore[valid-type]
    field: text(40) | None = Field(None, title=N_("字段"))  # type: ignore[valid-type]
    value: text(2000) | int | None = Field(None, title=N_("更正后的值"))  # type: ignore[valid-type]
    transition_id: Annotated[int, Field(strict=True, ge=1, le=MAX_DB_INT)] | None = Field(
        None, title=N_("记录编号")
    )
    fields: (
        dict[
            text(40),  # type: ignore[valid-type]
            text(2000) | bool | list[text(500)] | dict[text(20), text(40)] | None,  # type: ignore[valid-type]
        ]
        | None
    ) = Field(None, title=N_("更正的字段"))


class ReopenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Annotated[int, Field(strict=True, ge=1, le=MAX_DB_INT)] = Field(title=N_("案件版本"))
    reason: text(500) = Field(title=N_("原因"))  # type: ignore[valid-type]


@router.get("/cases/{case_id}", summary="案件（状态、可执行操作、时限）")
def get_case(user: ApiCaller, case: ApiCase) -> CaseOut:
    return case_out(case, user, clock.now())


@router.post("/cases/{case_id}/transitions", summary="执行操作（状态流转）")
def fire_transition(
    session: DbSession, user: ApiCaller, case: ApiCase, body: Annotated[TransitionIn, Body()]
) -> CaseOut:
    """`transition` and `version` are required; the transition's own fields sit beside them.
    409: the case changed since `version`; 422: refused, with the reason in `detail`."""
    now = clock.now()
    case_service.fire(
        session=session,
        case=case,
        transition=body.transition,
        version=body.version,
        raw_fields=body.model_extra or {},
        actor=user,
        now=now,
        note=body.note,
    )
    return case_out(case, user, now)


@router.post("/cases/{case_id}/corrections", summary="更正（开案信息或已记录的步骤）")
def post_correction(
    session: DbSession, user: ApiCaller, case: ApiCase, body: Annotated[CorrectionIn, Body()]
) -> CaseOut:
    """200: the corrected case, its clocks counted again; 409: the case changed since
    `version`; 422: refused (chronology, plausibility, no reason…), nothing changed."""
    now = clock.now()
    if (body.field is None) == (body.transition_id is None):
        message = _("请指定 field（开案信息）或 transition_id（已记录的步骤）之一")
        raise Invalid(message, field_errors={"field": message})
    if body.transition_id is not None:
        corrections.correct_step(
            session=session,
            case=case,
            version=body.version,
            transition_id=body.transition_id,
            fields=dict(body.fields or {}),
            reason=body.reason,
            actor=user,
            now=now,
        )
    else:
        corrections.correct_fact(
            session=session,
            case=case,
            version=body.version,
            field=body.field or "",
            value=body.value,
            reason=body.reason,
            actor=user,
            now=now,
        )
    return case_out(case, user, now)


@router.post("/cases/{case_id}/reopen", summary="重新打开已结束的案件（主管）")
def post_reopen(
    session: DbSession, user: ApiCaller, case: ApiCase, body: Annotated[ReopenIn, Body()]
) -> CaseOut:
    """A supervisor reopens a closed or withdrawn case, back to the state it left, giving a
    reason. 403 for other roles; 409 stale; 422 when the case is not closed."""
    now = clock.now()
    corrections.reopen(
        session=session, case=case, version=body.version, reason=body.reason, actor=user, now=now
    )
    return case_out(case, user, now)


def _owner_id(session: DbSession, owner: str | None) -> int | None:
    """A user id (ASCII digits) or a login name; one that names nobody is refused."""
    if not owner:
        return None
    number = parse_int(owner)
    found = session.scalar(select(User.id).where(User.id == number)) if number else None
    if found is None:
        found = session.scalar(select(User.id).where(User.username == owner))
    if found is None:
        message = _("owner：没有编号或登录名为「{owner}」的用户").format(owner=owner)
        raise Invalid(message, field_errors={"owner": message})
    return found


def _due_before(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parse_moment(value)
    except ValueError as exc:
        message = _("due_before：{reason}").format(reason=str(exc))
        raise Invalid(message, field_errors={"due_before": message}) from None


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
    due_before: Annotated[
        str | None,
        Query(max_length=40, description="日期（YYYY-MM-DD，当天 0 点）或 ISO 8601 时间"),
    ] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CaseListOut:
    now = clock.now()
    filters = listing.CaseFilter(
        type=type or None,
        state=state or None,
        owner_id=_owner_id(session, owner),
        region_id=region,
        client_id=client,
        overdue=overdue,
        due_before=_due_before(due_before),
    )
    cases, total = listing.list_page(
        session=session, filters=filters, now=now, offset=offset, limit=limit
    )
    return CaseListOut(
        items=case_summaries(cases, user, now), total=total, offset=offset, limit=limit
    )
