"""Pages: preview a packet in the browser, generate it, download any version."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from casetracker.cases import service as case_service
from casetracker.cases.views import section_refused
from casetracker.core import clock
from casetracker.core.errors import DomainError
from casetracker.packets import service as packet_service
from casetracker.packets.api import pdf_response
from casetracker.web.deps import (
    AppSettings,
    CurrentCase,
    CurrentUser,
    DbSession,
    FormFields,
    RowId,
    WorkableCase,
    client_ip,
    require_role,
)

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role())])
TypeName = Annotated[str, Path(max_length=40)]
# The preview is a printed form: its templates size columns with inline styles. Scripts stay
# forbidden; everything it loads comes from this site or is inline data.
PREVIEW_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'none'; frame-ancestors 'none'; form-action 'none'"
)


@router.get("/cases/{case_id}/packets/{packet_type}/preview")
def preview(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    case: WorkableCase,
    packet_type: TypeName,
) -> Response:
    return HTMLResponse(
        headers={"Content-Security-Policy": PREVIEW_POLICY},
        content=packet_service.preview_html(
            session=session,
            case=case,
            packet_type=packet_type,
            actor=user,
            settings=settings,
            now=clock.now(),
            ip=client_ip(request),
        ),
    )


@router.post("/cases/{case_id}/packets")
def generate(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    settings: AppSettings,
    case: CurrentCase,
    form: FormFields,
) -> Response:
    try:
        case_service.require_may_act(case, user)
        packet, _created = packet_service.generate(
            session=session,
            case=case,
            packet_type=form.get("type", "")[:40],
            actor=user,
            settings=settings,
            now=clock.now(),
        )
    except DomainError as exc:
        return section_refused(request, session, case, user, "packets", exc)
    return RedirectResponse(f"/cases/{case.id}?packet={packet.id}#packets", 303)


@router.get("/cases/{case_id}/packets/{packet_id}.pdf")
def download(
    request: Request, session: DbSession, user: CurrentUser, case: WorkableCase, packet_id: RowId
) -> Response:
    return pdf_response(
        packet_service.open_packet(
            session=session,
            case=case,
            packet_id=packet_id,
            actor=user,
            ip=client_ip(request),
            via="packet_pdf",
        )
    )
