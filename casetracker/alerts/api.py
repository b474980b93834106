"""JSON API: the caller's alerts, reading one, and a supervisor's acknowledgement."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, Field

from casetracker.alerts import service
from casetracker.alerts.service import InboxItem
from casetracker.auth.models import User
from casetracker.core import clock
from casetracker.core.clock import local
from casetracker.web.deps import DbSession, RowId, require_api_role
from casetracker.web.errors import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["alerts"], responses=API_ERRORS)
ApiCaller = Annotated[User, Depends(require_api_role())]


class AttemptOut(BaseModel):
    at: str
    outcome: str
    error: str


class DeliveryOut(BaseModel):
    channel: str
    recipient: str
    key: str
    status: str
    attempts: list[AttemptOut]


class AlertOut(BaseModel):
    id: int
    case_id: int
    clock_id: int
    clock_kind: str
    level: str
    repeat: int
    due_at: str
    raised_at: str
    read: bool
    acknowledged_at: str | None
    acknowledgement: str


class AlertDetailOut(AlertOut):
    deliveries: list[DeliveryOut]


class InboxOut(BaseModel):
    items: list[AlertOut]
    total: int
    unread: int
    offset: int
    limit: int


class AcknowledgeIn(BaseModel):
    note: str = Field("", max_length=1000)


def _out(item: InboxItem) -> AlertOut:
    alert = item.alert
    return AlertOut(
        id=alert.id,
        case_id=alert.case_id,
        clock_id=alert.clock_id,
        clock_kind=alert.clock_kind,
        level=alert.level,
        repeat=alert.repeat,
        due_at=local(alert.due_at).isoformat(),
        raised_at=local(alert.raised_at).isoformat(),
        read=item.read_at is not None,
        acknowledged_at=local(alert.acknowledged_at).isoformat() if alert.acknowledged_at else None,
        acknowledgement=alert.acknowledgement,
    )


def _detail(item: InboxItem) -> AlertDetailOut:
    return AlertDetailOut(
        **_out(item).model_dump(),
        deliveries=[
            DeliveryOut(
                channel=d.channel,
                recipient=d.recipient,
                key=d.key,
                status=d.status,
                attempts=[
                    AttemptOut(at=local(a.at).isoformat(), outcome=a.outcome, error=a.error)
                    for a in d.attempts
                ],
            )
            for d in item.alert.deliveries
        ],
    )


@router.get("/alerts", summary="我的提醒")
def list_alerts(
    session: DbSession,
    user: ApiCaller,
    unread: bool = False,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> InboxOut:
    """The caller's inbox, newest first (`unread=true`: only the unread), `total` matching
    and `unread` in all."""
    items, total = service.inbox(
        session=session, user=user, unread_only=unread, offset=offset, limit=limit
    )
    return InboxOut(
        items=[_out(i) for i in items],
        total=total,
        unread=service.unread_count(session=session, user=user),
        offset=offset,
        limit=limit,
    )


@router.get("/alerts/{alert_id}", summary="提醒详情（含每个渠道的投递与每次尝试）")
def get_alert(session: DbSession, user: ApiCaller, alert_id: RowId) -> AlertDetailOut:
    return _detail(service.require_alert(session=session, user=user, alert_id=alert_id))


@router.post("/alerts/{alert_id}/read", summary="标为已读")
def read_alert(session: DbSession, user: ApiCaller, alert_id: RowId) -> AlertOut:
    return _out(service.mark_read(session=session, user=user, alert_id=alert_id, now=clock.now()))


@router.post("/alerts/{alert_id}/acknowledge", summary="主管确认逾期上报（不再重复上报）")
def acknowledge_alert(
    session: DbSession,
    user: ApiCaller,
    alert_id: RowId,
    body: Annotated[AcknowledgeIn, Body()] = AcknowledgeIn(),  # noqa: B008 - a default body
) -> AlertOut:
    item = service.acknowledge(
        session=session, user=user, alert_id=alert_id, note=body.note, now=clock.now()
    )
    return _out(item)
