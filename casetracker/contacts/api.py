"""JSON API: the contact log of any case."""

from typing import Annotated

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel

from casetracker.auth.models import User
from casetracker.contacts import service as contact_service
from casetracker.contacts.schemas import ContactIn
from casetracker.core import clock
from casetracker.core.clock import local
from casetracker.web.deps import ApiWorkableCase, DbSession, require_api_role
from casetracker.web.errors import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["cases"], responses=API_ERRORS)
ApiCaller = Annotated[User, Depends(require_api_role())]


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
    session: DbSession, user: ApiCaller, case: ApiWorkableCase, body: Annotated[ContactIn, Body()]
) -> ContactOut:
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
