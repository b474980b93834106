"""JSON API: record an accident; log contacts and upload materials on any case."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Form, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from casetracker.auth.models import User
from casetracker.cases import service as case_service
from casetracker.cases.schemas import CaseOut, case_out
from casetracker.contacts import service as contact_service
from casetracker.contacts.schemas import ContactIn
from casetracker.core import clock
from casetracker.core.clock import local
from casetracker.injury import service as injury_service
from casetracker.injury.schemas import AccidentIn
from casetracker.materials import service as materials_service
from casetracker.web.deps import DbSession, RowId, require_api_role
from casetracker.web.errors import API_ERRORS
from casetracker.web.uploads import read_upload

router = APIRouter(prefix="/api/v1", tags=["injury"], responses=API_ERRORS)
ApiCaller = Annotated[User, Depends(require_api_role())]


INTAKE_EXAMPLE = {
    "client_id": 1,
    "employee": {"name": "李秀英", "id_number": "11010519491231002X"},
    "accident_at": "2026-11-20T22:30:00+08:00",
    "place": "二号车间",
    "description": "搬运货物时扭伤腰部",
}


@router.post(
    "/injury-cases",
    status_code=201,
    response_model=CaseOut,
    summary="登记工伤事故（立案）",
    responses={
        200: {
            "model": CaseOut,
            "description": "同一员工同一事故时间已登记：返回已有案件，不重复立案",
        },
        201: {"description": "新立的案件"},
    },
)
def record_accident(
    session: DbSession,
    user: ApiCaller,
    body: Annotated[AccidentIn, Body(examples=[INTAKE_EXAMPLE])],
) -> Any:
    """The recorder owns the case. `region` (optional) is a region id or name; the client's
    default otherwise. An unknown employee is created on the spot. The same employee's
    accident at the same time recorded again answers 200 with the case already open."""
    now = clock.now()
    case, created = injury_service.record_accident(session=session, data=body, actor=user, now=now)
    out = case_out(case, user, now)
    return JSONResponse(out.model_dump(mode="json"), status_code=201 if created else 200)


class ContactOut(BaseModel):
    id: int
    party: str
    channel: str
    note: str
    follow_up_on: str | None
    contacted_at: str
    author: str


@router.post("/cases/{case_id}/contacts", status_code=201, summary="记录一次联系")
def log_contact(
    case_id: RowId, session: DbSession, user: ApiCaller, body: Annotated[ContactIn, Body()]
) -> ContactOut:
    case = case_service.require_case(session=session, case_id=case_id)
    case_service.require_may_act(case, user)
    contact = contact_service.log_contact(
        session=session, case=case, data=body, actor=user, now=clock.now()
    )
    return ContactOut(
        id=contact.id,
        party=contact.party,
        channel=contact.channel,
        note=contact.note,
        follow_up_on=contact.follow_up_on.isoformat() if contact.follow_up_on else None,
        contacted_at=local(contact.contacted_at).isoformat(),
        author=contact.author_name,
    )


class AttachmentOut(BaseModel):
    id: int
    item: str
    filename: str
    content_type: str
    size: int
    sha256: str


@router.post("/cases/{case_id}/attachments", status_code=201, summary="上传材料（PDF/JPG/PNG）")
async def upload_attachment(
    case_id: RowId,
    session: DbSession,
    user: ApiCaller,
    item: Annotated[str, Form(max_length=40)],
    file: UploadFile,
) -> AttachmentOut:
    content = await read_upload(file)
    return await run_in_threadpool(
        _store, session, user, case_id, item, file.filename or "", content
    )


def _store(
    session: DbSession, user: User, case_id: int, item: str, filename: str, content: bytes
) -> AttachmentOut:
    case = case_service.require_case(session=session, case_id=case_id)
    case_service.require_may_act(case, user)
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
