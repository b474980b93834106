"""The checklist for a case, uploads checked by content, their removal or replacement (each
with a reason, never deleting a file), and the guard that needs them."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.cases import registry
from casetracker.cases.models import Case
from casetracker.cases.rules import NO_UPLOADS, require_open
from casetracker.cases.service import require_reason
from casetracker.cases.types import PacketSpec
from casetracker.core.errors import Invalid, NotFound
from casetracker.core.i18n import N_, _, translate
from casetracker.materials import documents
from casetracker.materials.models import Attachment, AttachmentStatus, MaterialItem
from casetracker.people.models import Region

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Recognised by their first bytes, never by the file name.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)
# What a final case refuses, as a whole sentence (like cases.rules' messages).
NO_CHANGES = N_("案件已结束（已结案或已撤回），不能再删除或替换材料")

audit.add_labels(
    {
        "case.attachment_removed": lambda: _("删除材料"),
        "case.attachment_replaced": lambda: _("替换材料"),
    }
)


@dataclass(frozen=True)
class ChecklistLine:
    """One item of the checklist: its current uploads (what the guard and the packets take)
    and, for each of them, the files it superseded (still downloadable, listed 已被替换).
    `handed_in`: the uploads went out with a packet, so they can be replaced, not removed."""

    item: MaterialItem
    attachments: list[Attachment]
    superseded: Mapping[int, list[Attachment]] = field(default_factory=dict)
    handed_in: bool = False

    @property
    def done(self) -> bool:
        return bool(self.attachments)

    def replaced(self, attachment: Attachment) -> list[Attachment]:
        """The files `attachment` took the place of, newest first."""
        return self.superseded.get(attachment.id, [])


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


def handed_in_with(case: Case) -> PacketSpec | None:
    """The packet that carried the checklist's uploads to the bureau, once the case has
    passed the step it serves (its state is one of that packet's `final_states`; for an
    injury: the recognition application has been submitted); None before. Until then the
    uploads are a working set: removing one takes it off, replacing one swaps it. From then
    on they are on file: removing is refused, and a replacement supersedes the old file,
    which stays listed (已被替换) and downloadable."""
    packets = registry.get(case.type).packets
    return next((p for p in packets if p.attachments and case.state in p.final_states), None)


def _superseded(rows: list[Attachment]) -> dict[int, list[Attachment]]:
    """For each upload, the superseded files whose chain of replacements ends at it."""
    by_id = {row.id: row for row in rows}
    found: dict[int, list[Attachment]] = {}
    for row in rows:
        if row.status != AttachmentStatus.SUPERSEDED:
            continue
        newer = by_id.get(row.replaced_by_id or 0)
        while newer is not None and newer.status == AttachmentStatus.SUPERSEDED:
            newer = by_id.get(newer.replaced_by_id or 0)
        if newer is not None:
            found.setdefault(newer.id, []).append(row)
    for older in found.values():
        older.sort(key=lambda row: row.id, reverse=True)
    return found


# A case page asks for the checklist several times (the section, the application packet's
# completeness, the guard); it is read once until the next flush (how every change to an
# upload, an item or the case's state reaches the database) or the transaction's end.
_MEMO = "materials.checklist"


@event.listens_for(Session, "after_flush")
@event.listens_for(Session, "after_transaction_end")
def _forget_checklists(session: Session, _context: object) -> None:
    session.info.pop(_MEMO, None)


def checklist(*, session: Session, case: Case) -> list[ChecklistLine]:
    """The case's checklist with its current uploads; removed files are off it, superseded
    ones hang under the upload that replaced them."""
    memo: dict[tuple[int, str, int], list[ChecklistLine]] = session.info.setdefault(_MEMO, {})
    key = (case.id, case.state, case.region_id)
    if key not in memo:
        memo[key] = _checklist(session=session, case=case)
    return memo[key]


def _checklist(*, session: Session, case: Case) -> list[ChecklistLine]:
    rows = list(
        session.scalars(
            select(Attachment)
            .where(
                Attachment.case_id == case.id,
                Attachment.status.in_([AttachmentStatus.CURRENT, AttachmentStatus.SUPERSEDED]),
            )
            .order_by(Attachment.id)
        )
    )
    history = _superseded(rows)
    handed_in = handed_in_with(case) is not None
    return [
        ChecklistLine(
            item,
            [a for a in rows if a.item_code == item.code and a.status == AttachmentStatus.CURRENT],
            history,
            handed_in,
        )
        for item in items_for(session=session, case_type=case.type, region_id=case.region_id)
    ]


def missing_items(*, session: Session, case: Case) -> list[MaterialItem]:
    """The required checklist items the case has no current upload for, in checklist order.
    The caller names them: `item.shown_name()` in what a person reads on a page or through
    the API, `item.name` in what goes to the bureau (packets)."""
    return [
        line.item
        for line in checklist(session=session, case=case)
        if line.item.required and not line.done
    ]


def missing_required(*, session: Session, case: Case) -> list[str]:
    """The Chinese names of the missing required items, whatever the reader's language: what
    a packet prints under 尚缺 and keeps in its fingerprint (so it must not change with the
    language of the person generating it). For a message shown to a person use
    `missing_shown`."""
    return [item.name for item in missing_items(session=session, case=case)]


def missing_shown(*, session: Session, case: Case) -> list[str]:
    """The names of the missing required items in the reader's language (refusals shown on
    a page or returned by the API)."""
    return [item.shown_name() for item in missing_items(session=session, case=case)]


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


def _new_attachment(
    *,
    session: Session,
    case: Case,
    item_code: str,
    filename: str,
    content: bytes,
    actor: User,
    now: datetime,
) -> Attachment:
    """Check an upload against the checklist and by its content; the row, not yet added."""
    codes = {
        i.code: i for i in items_for(session=session, case_type=case.type, region_id=case.region_id)
    }
    if item_code not in codes:
        raise Invalid(
            _("材料项目不存在：{item}").format(item=item_code[:40]),
            field_errors={"item": _("材料项目：不在本案的材料清单中")},
        )
    return checked_file(
        case=case,
        item_code=item_code,
        filename=filename,
        default_name=codes[item_code].name,
        content=content,
        actor=actor,
        now=now,
    )


def checked_file(
    *,
    case: Case,
    item_code: str,
    filename: str,
    default_name: str,
    content: bytes,
    actor: User,
    now: datetime,
) -> Attachment:
    """An upload checked by its content (size, PDF/JPG/PNG by its first bytes, readable) and
    named (`default_name` when it came without a usable name); the row, not yet added. A
    file outside the checklist (an invoice's scan) has an `item_code` no checklist item can
    take (item codes are lower-case letters, digits and underscores)."""
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
        # A stored file name, printed in packets: the item's Chinese name, not the reader's.
        name = (name or default_name) + extension
    return Attachment(
        case_id=case.id,
        item_code=item_code,
        filename=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
        uploaded_by_id=actor.id,
        uploaded_at=now,
        status=AttachmentStatus.CURRENT,
    )


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
    row = _new_attachment(
        session=session,
        case=case,
        item_code=item_code,
        filename=filename,
        content=content,
        actor=actor,
        now=now,
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
        after={
            "item": item_code,
            "filename": row.filename,
            "size": row.size,
            "sha256": row.sha256,
        },
    )
    return row


def _current(*, session: Session, case: Case, attachment_id: int) -> Attachment:
    """The upload to remove or replace: one of this case's, still on its checklist."""
    row = require_attachment(session=session, case_id=case.id, attachment_id=attachment_id)
    # Two changes to one upload at once: the second waits here, then sees the first's result.
    session.refresh(row, ["status", "replaced_by_id"], with_for_update=True)
    if row.status == AttachmentStatus.REMOVED:
        message = _("「{name}」已删除，不在材料清单中").format(name=row.filename)
        raise Invalid(message, field_errors={"attachment": message})
    if row.status == AttachmentStatus.SUPERSEDED:
        message = _("「{name}」已被替换，请对替换它的文件操作").format(name=row.filename)
        raise Invalid(message, field_errors={"attachment": message})
    return row


def _snapshot(row: Attachment) -> dict[str, Any]:
    return {
        "attachment_id": row.id,
        "item": row.item_code,
        "filename": row.filename,
        "sha256": row.sha256,
        "status": str(row.status),
    }


def retire(
    row: Attachment, status: AttachmentStatus, *, actor: User, now: datetime, reason: str
) -> None:
    row.status = status
    row.retired_at, row.retired_by_id, row.retired_reason = now, actor.id, reason


def remove_attachment(
    *,
    session: Session,
    case: Case,
    attachment_id: int,
    reason: str,
    actor: User,
    now: datetime,
) -> Attachment:
    """Take an upload off the checklist, saying why, while its packet has not gone out. The
    row and its file stay (marked removed, with who, when and why); refused once the case
    has passed the step the uploads serve: then only a replacement, which keeps the old
    file, corrects it."""
    require_open(case, NO_CHANGES)
    row = _current(session=session, case=case, attachment_id=attachment_id)
    why = require_reason(reason)
    packet = handed_in_with(case)
    if packet is not None:
        message = _(
            "「{packet}」已交出，材料不能再删除。如需更正，请用「替换」上传新文件：原文件保留，"
            "标为已被替换"
        ).format(packet=packet.label)
        raise Invalid(message, field_errors={"attachment": message})
    before = _snapshot(row)
    retire(row, AttachmentStatus.REMOVED, actor=actor, now=now, reason=why)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="case.attachment_removed",
        subject_type="case",
        subject_id=case.id,
        at=now,
        before=before,
        after={**_snapshot(row), "reason": why},
    )
    return row


def replace_attachment(
    *,
    session: Session,
    case: Case,
    attachment_id: int,
    filename: str,
    content: bytes,
    reason: str,
    actor: User,
    now: datetime,
) -> Attachment:
    """Put a new file in an upload's place, saying why; returns the new upload. Before the
    case has passed the step the uploads serve, the old one is simply taken off (marked
    removed); after it, the old one is superseded: listed under the new one as 已被替换 and
    still downloadable. Either way only the new file counts for the checklist and packets.
    The new file is checked like any upload; a refusal changes nothing."""
    require_open(case, NO_CHANGES)
    old = _current(session=session, case=case, attachment_id=attachment_id)
    why = require_reason(reason)
    new = _new_attachment(
        session=session,
        case=case,
        item_code=old.item_code,
        filename=filename,
        content=content,
        actor=actor,
        now=now,
    )
    before = _snapshot(old)
    session.add(new)
    session.flush()
    kept = AttachmentStatus.SUPERSEDED if handed_in_with(case) else AttachmentStatus.REMOVED
    retire(old, kept, actor=actor, now=now, reason=why)
    old.replaced_by_id = new.id
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="case.attachment_replaced",
        subject_type="case",
        subject_id=case.id,
        at=now,
        before=before,
        after={
            **_snapshot(new),
            "size": new.size,
            "replaced": {"attachment_id": old.id, "status": str(old.status)},
            "reason": why,
        },
    )
    return new


def attachments(*, session: Session, case: Case) -> list[Attachment]:
    """Every upload of the case, current or not, oldest first."""
    return list(
        session.scalars(
            select(Attachment).where(Attachment.case_id == case.id).order_by(Attachment.id)
        )
    )


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
    name_en: str = "",
) -> MaterialItem:
    """Add an item, or (same type, region and code) rename it; a region's own row for a
    default code replaces the default there. `name_en` is saved as given: renaming with it
    left empty drops the old English (which may no longer fit), so English readers see the
    Chinese name until an English one is given."""
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
        before = {
            "name": row.name,
            "name_en": row.name_en,
            "required": row.required,
            "active": row.active,
        }
    row.name, row.name_en = name, name_en
    row.required, row.position, row.active = required, position, True
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
            "name_en": name_en,
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
