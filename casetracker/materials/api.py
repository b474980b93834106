"""JSON API: upload a document to any case's checklist; remove or replace one, with a
reason (a DELETE could not carry one)."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Form, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from casetracker.auth.models import User
from casetracker.cases.models import Case
from casetracker.core import clock
from casetracker.core.i18n import N_
from casetracker.core.validation import text
from casetracker.materials import service as materials_service
from casetracker.materials.models import Attachment
from casetracker.web.deps import ApiWorkableCase, DbSession, RowId, require_api_role
from casetracker.web.errors import API_ERRORS
from casetracker.web.uploads import read_upload

router = APIRouter(prefix="/api/v1", tags=["cases"], responses=API_ERRORS)
ApiCaller = Annotated[User, Depends(require_api_role())]
MAX_REASON = 500


class AttachmentOut(BaseModel):
    """An upload. `status`: current (on the checklist), removed (taken off before its
    packet went out) or superseded (replaced after it: kept, listed as 已被替换);
    `replaced_by`: the upload that took its place."""

    id: int
    item: str
    filename: str
    content_type: str
    size: int
    sha256: str
    status: str = "current"
    replaced_by: int | None = None
    reason: str | None = None


def attachment_out(row: Attachment) -> AttachmentOut:
    return AttachmentOut(
        id=row.id,
        item=row.item_code,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
        status=str(row.status),
        replaced_by=row.replaced_by_id,
        reason=row.retired_reason,
    )


class RemovalIn(BaseModel):
    """Why the upload comes off the checklist."""

    model_config = ConfigDict(
        extra="ignore",
        json_schema_extra={"examples": [{"reason": "传错了：这是另一位员工的身份证"}]},
    )

    reason: text(MAX_REASON, min_length=1) = Field(title=N_("原因"))  # type: ignore[valid-type]


@router.post("/cases/{case_id}/attachments", status_code=201, summary="上传材料（PDF/JPG/PNG）")
async def upload_attachment(
    session: DbSession,
    user: ApiCaller,
    case: ApiWorkableCase,
    item: Annotated[str, Form(max_length=40)],
    file: UploadFile,
) -> AttachmentOut:
    content = await read_upload(file)
    return await run_in_threadpool(_store, session, user, case, item, file.filename or "", content)


def _store(
    session: DbSession, user: User, case: Case, item: str, filename: str, content: bytes
) -> AttachmentOut:
    row = materials_service.attach(
        session=session,
        case=case,
        item_code=item,
        filename=filename,
        content=content,
        actor=user,
        now=clock.now(),
    )
    return attachment_out(row)


def _listed(session: DbSession, case: Case) -> list[AttachmentOut]:
    return [
        attachment_out(row) for row in materials_service.attachments(session=session, case=case)
    ]


@router.post(
    "/cases/{case_id}/attachments/{attachment_id}/remove",
    summary="删除材料（须写明原因；申请交出后不能删除，只能替换）",
)
def remove_attachment(
    session: DbSession,
    user: ApiCaller,
    case: ApiWorkableCase,
    attachment_id: RowId,
    body: Annotated[RemovalIn, Body()],
) -> list[AttachmentOut]:
    """200 with every upload of the case (each with its status); 422 with the reason when
    refused (no reason, the packet already went out, the case has ended)."""
    materials_service.remove_attachment(
        session=session,
        case=case,
        attachment_id=attachment_id,
        reason=body.reason,
        actor=user,
        now=clock.now(),
    )
    return _listed(session, case)


@router.post(
    "/cases/{case_id}/attachments/{attachment_id}/replace",
    summary="替换材料（须写明原因；申请交出后原文件保留，标为已被替换）",
)
async def replace_attachment(
    session: DbSession,
    user: ApiCaller,
    case: ApiWorkableCase,
    attachment_id: RowId,
    file: UploadFile,
    reason: Annotated[str, Form(max_length=MAX_REASON, title=N_("原因"))],
) -> list[AttachmentOut]:
    """200 with every upload of the case (the new one current, the old one removed or
    superseded); 422 with the reason when refused."""
    content = await read_upload(file)
    return await run_in_threadpool(
        _replace, session, user, case, attachment_id, file.filename or "", content, reason
    )


def _replace(
    session: DbSession,
    user: User,
    case: Case,
    attachment_id: int,
    filename: str,
    content: bytes,
    reason: str,
) -> list[AttachmentOut]:
    materials_service.replace_attachment(
        session=session,
        case=case,
        attachment_id=attachment_id,
        filename=filename,
        content=content,
        reason=reason,
        actor=user,
        now=clock.now(),
    )
    return _listed(session, case)
