"""Page: logging a contact on any case (the contact log section of the case page)."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from casetracker.cases.views import back_to_case, section_refused
from casetracker.contacts import service as contact_service
from casetracker.contacts.schemas import ContactIn
from casetracker.core import clock
from casetracker.core.errors import DomainError
from casetracker.web.deps import CurrentUser, DbSession, FormFields, WorkableCase, require_role
from casetracker.web.forms import validate_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role())])


@router.post("/cases/{case_id}/contacts")
def contact(
    request: Request, session: DbSession, user: CurrentUser, case: WorkableCase, form: FormFields
) -> Response:
    try:
        data = validate_form(ContactIn, form)
        contact_service.log_contact(
            session=session, case=case, data=data, actor=user, now=clock.now()
        )
    except DomainError as exc:
        return section_refused(request, session, case, user, "contacts", exc, contact_values=form)
    return back_to_case(case.id, "contacts")
