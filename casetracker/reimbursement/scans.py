"""Each invoice's photo or scan, kept as an attachment of its injury case under the
existing upload rules (10 MB, PDF/JPG/PNG by content, readable), outside the case's
checklist: a scan is the invoice's, not a document the bureau's list asks for.

A photo read for its QR code on the injury's page is kept before the invoice exists (the
person checks the prefilled fields, then records the invoice with it); a scan uploaded again
for an invoice supersedes the earlier one, which stays downloadable."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.core.errors import Conflict, Invalid
from casetracker.core.i18n import _
from casetracker.materials import service as materials
from casetracker.materials.models import Attachment, AttachmentStatus
from casetracker.reimbursement.invoices import require_injury
from casetracker.reimbursement.models import Invoice

# Not a checklist item code (those are lower-case letters, digits and underscores).
SCAN_ITEM = "invoice-scan"


def store(
    *, session: Session, case: Case, filename: str, content: bytes, actor: User, now: datetime
) -> Attachment:
    """A photo or scan of one of the injury's invoices, checked and stored (or refused, and
    nothing stored)."""
    require_injury(case)
    case_service.require_may_act(case, actor)
    row = materials.checked_file(
        case=case,
        item_code=SCAN_ITEM,
        filename=filename,
        default_name="票据",
        content=content,
        actor=actor,
        now=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="case.invoice_scan",
        subject_type="case",
        subject_id=case.id,
        after={"attachment_id": row.id, "filename": row.filename, "sha256": row.sha256},
        at=now,
    )
    return row


def unlinked(*, session: Session, case: Case, scan_id: int) -> Attachment:
    """A stored photo of this case no invoice holds yet (the one read for its QR code)."""
    row = session.get(Attachment, scan_id)
    if row is None or row.case_id != case.id or row.item_code != SCAN_ITEM:
        raise Invalid(_("扫描件不存在（编号 {id}）").format(id=scan_id), field_errors={"scan": ""})
    holder = session.scalar(select(Invoice.number).where(Invoice.scan_id == scan_id))
    if holder is not None:
        raise Conflict(_("这份扫描件已属于票据 {number}").format(number=holder))
    return row


def link(
    *, session: Session, invoice: Invoice, scan: Attachment, actor: User, now: datetime
) -> None:
    """`scan` becomes the invoice's; an earlier scan is superseded (kept, downloadable)."""
    earlier = session.get(Attachment, invoice.scan_id) if invoice.scan_id else None
    if earlier is not None:
        materials.retire(
            earlier, AttachmentStatus.SUPERSEDED, actor=actor, now=now, reason="换了新的扫描件"
        )
        earlier.replaced_by_id = scan.id
    invoice.scan_id = scan.id
    session.flush()
