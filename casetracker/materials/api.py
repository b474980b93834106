"""JSON API: upload a document to any case's checklist."""

from typing import Annotated

from fastapi import APIRouter, Depends, Form, UploadFile
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel

from casetracker.auth.models import User
from casetracker.cases.models import Case
from casetracker.core import clock
from casetracker.materials import service as materials_service
from casetracker.web.deps import ApiWorkableCase, DbSession, require_api_role
from casetracker.web.errors import API_ERRORS
from casetracker.web.uploads import read_upload

router = APIRouter(prefix="/api/v1", tags=["cases"], responses=API_ERRORS)
ApiCaller = Annotated[User, Depends(require_api_role())]


class AttachmentOut(BaseModel):
    id: int
    item: str
    filename: str
    content_type: str
    size: int
    sha256: str


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
    return AttachmentOut(
        id=row.id,
        item=row.item_code,
        filename=row.filename,
        content_type=row.content_type,
        size=row.size,
        sha256=row.sha256,
    )
