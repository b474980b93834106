"""A user's alerts: the inbox (unread first), reading one, and a supervisor's
acknowledgement of an escalation, which ends its repeats."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload
from sqlalchemy.sql.selectable import ScalarSelect

from casetracker.alerts.models import Alert, Channel, Delivery, Level
from casetracker.audit import service as audit
from casetracker.auth.models import Role, User
from casetracker.core.errors import Forbidden, Invalid, NotFound
from casetracker.core.i18n import _


@dataclass(frozen=True)
class InboxItem:
    alert: Alert
    read_at: datetime | None


# A user's id, or the column of the enclosing query's user (a correlated count).
UserId = int | InstrumentedAttribute[int]


def _inbox(user_id: UserId) -> list[ColumnElement[bool]]:
    return [Delivery.channel == Channel.INBOX.value, Delivery.user_id == user_id]


def _unread(user_id: UserId) -> Select[int]:
    return (
        select(func.count())
        .select_from(Delivery)
        .where(*_inbox(user_id), Delivery.read_at.is_(None))
    )


def unread_of_user() -> ScalarSelect[int]:
    """The unread alerts of the user in the enclosing query's `users` row (the page header's
    count, read with the user: one query less on every page)."""
    return _unread(User.id).correlate(User).scalar_subquery()


def unread_count(*, session: Session, user: User) -> int:
    return session.scalar(_unread(user.id)) or 0


def inbox(
    *, session: Session, user: User, unread_only: bool, offset: int, limit: int
) -> tuple[list[InboxItem], int]:
    """The user's alerts, newest first, and how many match."""
    conditions = _inbox(user.id) + ([Delivery.read_at.is_(None)] if unread_only else [])
    total = session.scalar(select(func.count()).select_from(Delivery).where(*conditions)) or 0
    rows = session.execute(
        select(Alert, Delivery.read_at)
        .join(Delivery, Delivery.alert_id == Alert.id)
        .where(*conditions)
        .order_by(Alert.raised_at.desc(), Alert.id.desc())
        .offset(offset)
        .limit(limit)
    ).all()
    return [InboxItem(alert, read_at) for alert, read_at in rows], total


def _may_see_every_alert(user: User) -> bool:
    return user.role in (Role.SUPERVISOR, Role.ADMIN)


def require_alert(*, session: Session, user: User, alert_id: int) -> InboxItem:
    """An alert the user received (supervisors and admins see every alert); 404 otherwise,
    so nobody learns that another's alert exists."""
    alert = session.get(
        Alert, alert_id, options=[selectinload(Alert.deliveries).selectinload(Delivery.attempts)]
    )
    own = (
        next(
            (d for d in alert.deliveries if d.channel == Channel.INBOX and d.user_id == user.id),
            None,
        )
        if alert
        else None
    )
    if alert is None or (own is None and not _may_see_every_alert(user)):
        raise NotFound(_("提醒不存在（编号 {id}）").format(id=alert_id))
    return InboxItem(alert, own.read_at if own else None)


def mark_read(*, session: Session, user: User, alert_id: int, now: datetime) -> InboxItem:
    item = require_alert(session=session, user=user, alert_id=alert_id)
    session.execute(
        update(Delivery)
        .where(*_inbox(user.id), Delivery.alert_id == alert_id, Delivery.read_at.is_(None))
        .values(read_at=now)
        .execution_options(synchronize_session=False)
    )
    return InboxItem(item.alert, item.read_at or now)


def acknowledge(
    *, session: Session, user: User, alert_id: int, note: str, now: datetime
) -> InboxItem:
    """A supervisor has seen the escalation and taken it on: no more repeats for its clock,
    and the alert is read for them."""
    if user.role != Role.SUPERVISOR:
        raise Forbidden(_("只有主管可以确认逾期上报"))
    item = require_alert(session=session, user=user, alert_id=alert_id)
    alert = item.alert
    if alert.level != Level.ESCALATION:
        raise Invalid(_("只有逾期上报需要主管确认"))
    if alert.acknowledged_at is None:
        alert.acknowledged_at, alert.acknowledged_by_id = now, user.id
        alert.acknowledgement = note.strip()[:1000]
        audit.record(
            session=session,
            actor=user,
            action="alert.acknowledged",
            subject_type="case",
            subject_id=alert.case_id,
            after={"alert_id": alert.id, "clock_kind": alert.clock_kind, "note": note.strip()},
        )
    return mark_read(session=session, user=user, alert_id=alert_id, now=now)
