"""Page: the supervisor's overview."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from casetracker.auth.models import Role
from casetracker.core import clock
from casetracker.core.i18n import N_
from casetracker.overview import chart, service
from casetracker.web.deps import DbSession, require_role
from casetracker.web.templating import render

router = APIRouter(
    include_in_schema=False, dependencies=[Depends(require_role(Role.SUPERVISOR, Role.ADMIN))]
)


@router.get("/overview")
def overview_page(request: Request, session: DbSession) -> Response:
    found = service.overview(session=session, now=clock.now())
    return render(
        request,
        "overview/overview.html",
        {
            "o": found,
            "chart": chart.bars(found.overdue_per_day),
            "sections": (
                ("specialist", N_("按专员"), found.by_owner),
                ("region", N_("按参保地"), found.by_region),
                ("client", N_("按客户"), found.by_client),
                ("type", N_("按案件类型"), found.by_type),
            ),
        },
    )
