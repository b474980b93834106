"""The one helper every change goes through to leave its trace, and the read side."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.core import clock


class Actor(Protocol):
    id: int
    username: str


def snapshot(obj: Any, fields: list[str]) -> dict[str, Any]:
    """A JSON-safe dict of the named attributes, for `before`/`after`."""
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record(
    *,
    session: Session,
    actor: Actor | None,
    action: str,
    subject_type: str,
    subject_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction, so it commits with the change it records."""
    event = AuditEvent(
        at=at or clock.now(),
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else "system",
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        before=before,
        after=after,
        ip=ip,
    )
    session.add(event)
    session.flush()
    return event


def _filtered(action: str | None, subject_type: str | None, actor: str | None) -> Select[Any]:
    query = select(AuditEvent)
    if action:
        query = query.where(AuditEvent.action == action)
    if subject_type:
        query = query.where(AuditEvent.subject_type == subject_type)
    if actor:
        query = query.where(AuditEvent.actor_name == actor)
    return query


def list_events(
    *,
    session: Session,
    action: str | None = None,
    subject_type: str | None = None,
    actor: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[AuditEvent], int]:
    query = _filtered(action, subject_type, actor)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(AuditEvent.id.desc()).offset(offset).limit(limit)).all()
    return list(rows), total
