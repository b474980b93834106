"""The checklist for a case, uploads checked by content, and the guard that needs them."""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.cases import registry
from casetracker.cases.models import Case
from casetracker.cases.rules import NO_UPLOADS, require_open
from casetracker.core.errors import Invalid, NotFound
from casetracker.core.i18n import _, translate
from casetracker.materials import documents
from casetracker.materials.models import Attachment, MaterialItem
from casetracker.people.models import Region

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Recognised by their first bytes, never by the file name.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


@dataclass(frozen=True)
class ChecklistLine:
    item: MaterialItem
    attachments: list[Attachment]

    @property
    def done(self) -> bool:
        return bool(self.attachments)


def items_for(*, session: Session, case_type: str, region_id: int) -> list[MaterialItem]:
    """The region's list: its own rows, plus default rows it does not override."""
    rows = session.scalars(
        select(MaterialItem).where(
            MaterialItem.case_type == case_type,
            MaterialItem.active.is_(True),
            (MaterialItem.region_id == region_id) | MaterialItem.region_id.is_(None),
        )
    )
    by_code: dict[str, MaterialItem] = {}
    for row in rows:
        if row.code not in by_code or row.region_id is not None:
            by_code[row.code] = row
    return sorted(by_code.values(), key=lambda item: (item.position, item.id))


def checklist(*, session: Session, case: Case) -> list[ChecklistLine]:
    attachments = list(
        session.scalars(
            select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
        )
    )
    return [
        ChecklistLine(item, [a for a in attachments if a.item_code == item.code])
        for item in items_for(session=session, case_type=case.type, region_id=case.region_id)
    ]


def missing_required(*, session: Session, case: Case) -> list[str]:
    return [
        line.item.name
        for line in checklist(session=session, case=case)
        if line.item.required and not line.done
    ]


def require_attachment(*, session: Session, case_id: int, attachment_id: int) -> Attachment:
    row = session.get(Attachment, attachment_id)
    if row is None or row.case_id != case_id:
        raise NotFound(_("附件不存在（编号 {id}）").format(id=attachment_id))
    return row


def open_attachment(
    *, session: Session, case: Case, attachment_id: int, actor: User, ip: str | None
) -> Attachment:
    """An uploaded document to download. Scans of ID cards, contracts and diagnoses carry
    the whole ID number, so each download is audited as a whole-number view."""
    row = require_attachment(session=session, case_id=case.id, attachment_id=attachment_id)
    if case.insured_id is not None:
        audit.record(
            session=session,
            actor=actor,
            action="insured.id_number_viewed",
            subject_type="insured",
            subject_id=case.insured_id,
            ip=ip,
            after={"via": "attachment", "case_id": case.id, "attachment_id": row.id},
        )
    return row


def sniff(content: bytes) -> tuple[str, str] | None:
    for signature, content_type, extension in SIGNATURES:
        if content.startswith(signature):
            return content_type, extension
    return None


def attach(
    *,
    session: Session,
    case: Case,
    item_code: str,
    filename: str,
    content: bytes,
    actor: User,
    now: datetime,
) -> Attachment:
    """Store an upload against a checklist item, or refuse it (nothing is stored)."""
    require_open(case, NO_UPLOADS)
    codes = {
        i.code: i for i in items_for(session=session, case_type=case.type, region_id=case.region_id)
    }
    if item_code not in codes:
        raise Invalid(
            _("材料项目不存在：{item}").format(item=item_code[:40]),
            field_errors={"item": _("材料项目：不在本案的材料清单中")},
        )
    if not content:
        raise Invalid(_("文件是空的"), field_errors={"file": _("文件：是空的")})
    if len(content) > MAX_UPLOAD_BYTES:
        raise Invalid(
            _("文件超过 {mb} MB").format(mb=MAX_UPLOAD_BYTES // 1024 // 1024),
            field_errors={"file": _("文件：过大")},
        )
    kind = sniff(content)
    if kind is None:
        raise Invalid(
            _("文件内容不是 PDF、JPG 或 PNG（按文件内容判断，与扩展名无关）"),
            field_errors={"file": _("文件：类型不允许")},
        )
    content_type, extension = kind
    try:
        documents.check(content, content_type)
    except documents.UnreadableDocument as exc:
        message = translate(exc.reason)
        raise Invalid(message, field_errors={"file": message}) from None
    name = "".join(ch for ch in filename if ch.isprintable() and ch not in "/\\\x00")[-150:]
    if not name.lower().endswith(extension):
        name = (name or codes[item_code].name) + extension
    row = Attachment(
        case_id=case.id,
        item_code=item_code,
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="case.attachment_added",
        subject_type="case",
        subject_id=case.id,
        at=now,
        after={"item": item_code, "filename": name, "size": len(content), "sha256": row.sha256},
    )
    return row


def all_items(*, session: Session) -> list[MaterialItem]:
    return list(
        session.scalars(
            select(MaterialItem).order_by(
                MaterialItem.case_type,
                MaterialItem.region_id.is_not(None),
                MaterialItem.region_id,
                MaterialItem.position,
                MaterialItem.id,
            )
        )
    )


def save_item(
    *,
    session: Session,
    actor: User,
    case_type: str,
    region_id: int | None,
    code: str,
    name: str,
    required: bool,
    position: int,
) -> MaterialItem:
    """Add an item, or (same type, region and code) rename it; a region's own row for a
    default code replaces the default there."""
    if case_type not in registry.names():
        raise Invalid(_("未知的案件类型：{type}").format(type=case_type))
    if region_id is not None and session.get(Region, region_id) is None:
        raise Invalid(_("参保地：不存在"))
    row = session.scalar(
        select(MaterialItem).where(
            MaterialItem.case_type == case_type,
            MaterialItem.code == code,
            MaterialItem.region_id.is_(None)
            if region_id is None
            else MaterialItem.region_id == region_id,
        )
    )
    before = None
    if row is None:
        row = MaterialItem(case_type=case_type, region_id=region_id, code=code)
        session.add(row)
    else:
        before = {"name": row.name, "required": row.required, "active": row.active}
    row.name, row.required, row.position, row.active = name, required, position, True
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="materials.item_saved",
        subject_type="material_item",
        subject_id=row.id,
        before=before,
        after={
            "case_type": case_type,
            "region_id": region_id,
            "code": code,
            "name": name,
            "required": required,
        },
    )
    return row


def change_item(
    *, session: Session, item_id: int, actor: User, required: bool, active: bool
) -> None:
    row = session.get(MaterialItem, item_id)
    if row is None:
        raise NotFound(_("材料项目不存在：{item}").format(item=item_id))
    before = {"required": row.required, "active": row.active}
    row.required, row.active = required, active
    audit.record(
        session=session,
        actor=actor,
        action="materials.item_changed",
        subject_type="material_item",
        subject_id=row.id,
        before=before,
        after={"required": required, "active": active},
    )
