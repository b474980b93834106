"""The one helper every change goes through to leave its trace, and the read side."""

from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from casetracker.audit.models import AuditEvent
from casetracker.core import clock, context
from casetracker.core.i18n import N_, translate
from casetracker.core.identifiers import mask_id_number
from casetracker.core.sql import contains

ACTION_LABELS = {
    "user.login": N_("登录"),
    "user.login_failed": N_("登录失败"),
    "user.locked": N_("账户锁定"),
    "user.created": N_("新增用户"),
    "user.password_set": N_("设置密码"),
    "user.unlocked": N_("解除锁定"),
    "user.deactivated": N_("停用账户"),
    "user.reactivated": N_("重新启用账户"),
    "region.robot_set": N_("设置参保地机器人"),
    "region.robot_removed": N_("移除参保地机器人"),
    "region.wages_set": N_("设置参保地工资标准"),
    "token.created": N_("创建 API 令牌"),
    "client.created": N_("新增客户"),
    "client.updated": N_("修改客户"),
    "insured.created": N_("新增参保人"),
    "insured.updated": N_("修改参保人"),
    "insured.id_number_viewed": N_("查看完整身份证号码"),
    "case.id_numbers_viewed": N_("查看含完整身份证号码的名单"),
    "calendar.year_entered": N_("录入年度放假安排"),
    "case.attachment_added": N_("上传材料"),
    "case.contact_logged": N_("联系记录"),
    "case.reassigned": N_("改派负责人"),
    "case.corrected": N_("更正案件信息"),
    "case.reopened": N_("重新打开案件"),
    "case.packet_generated": N_("生成申报材料"),
    "case.invoice_added": N_("登记医疗票据"),
    "case.invoice_original": N_("登记票据原件取回或留存"),
    "case.invoice_scan": N_("上传票据扫描件"),
    "case.invoice_reversed": N_("票据红冲"),
    "materials.item_saved": N_("保存材料项目"),
    "materials.item_changed": N_("修改材料项目"),
}


# Labels for actions the case types bring (their transitions, their own events), added when
# each type is registered; each is called when shown, in the reader's language.
_ADDED: dict[str, Callable[[], str]] = {}


def add_labels(labels: Mapping[str, Callable[[], str]]) -> None:
    _ADDED.update(labels)


def action_label(action: str) -> str:
    """A readable name for an action code, e.g. `injury.file_report` → 工伤：完成工伤快报."""
    if action in ACTION_LABELS:
        return translate(ACTION_LABELS[action])
    added = _ADDED.get(action)
    return added() if added else action


def masked(value: Any) -> Any:
    """Audit snapshots as shown on screen: ID numbers masked (viewing them whole is itself
    an auditable act; the stored rows keep them whole for the record)."""
    if isinstance(value, dict):
        return {
            k: mask_id_number(v) if "id_number" in k and isinstance(v, str) else masked(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [masked(v) for v in value]
    return value


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
        ip=ip or context.client_ip.get(),
    )
    session.add(event)
    session.flush()
    return event


def id_numbers_listed(
    *,
    session: Session,
    actor: Actor,
    case_id: int,
    count: int,
    via: str,
    ip: str | None = None,
    **where: Any,
) -> AuditEvent:
    """A list printing `count` whole ID numbers was looked at (a packet, a workbook): one
    event on the case it belongs to, saying how many and through what."""
    return record(
        session=session,
        actor=actor,
        action="case.id_numbers_viewed",
        subject_type="case",
        subject_id=case_id,
        ip=ip,
        after={"via": via, "count": count, **where},
    )


def _filtered(action: str | None, subject_type: str | None, actor: str | None) -> Select[Any]:
    query = select(AuditEvent)
    for column, value in (
        (AuditEvent.action, action),
        (AuditEvent.subject_type, subject_type),
        (AuditEvent.actor_name, actor),
    ):
        if value:
            query = query.where(contains(column, value))
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
