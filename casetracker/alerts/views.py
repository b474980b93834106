"""Page: the signed-in user's alerts (提醒), read one by one or all at once; a supervisor
acknowledges an escalation here with a note."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from casetracker.alerts import service
from casetracker.alerts.models import LEVEL_LABELS, Level
from casetracker.cases import registry
from casetracker.cases.models import Case
from casetracker.core import clock
from casetracker.core.pagination import PER_PAGE
from casetracker.web.deps import CurrentUser, DbSession, FormFields, RowId, require_role
from casetracker.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role())])


def _page(request: Request, session: DbSession, user: CurrentUser) -> Response:
    unread_only = request.query_params.get("unread") == "true"
    items, total = service.inbox(
        session=session, user=user, unread_only=unread_only, offset=0, limit=PER_PAGE
    )
    cases = {
        c.id: c for c in session.query(Case).filter(Case.id.in_({i.alert.case_id for i in items}))
    }
    rows = [
        {
            "alert": i.alert,
            "read": i.read_at is not None,
            "level_label": LEVEL_LABELS[Level(i.alert.level)],
            "case": cases.get(i.alert.case_id),
            "clock_label": registry.workflow(cases[i.alert.case_id].type).clock_label(
                i.alert.clock_kind, i.alert.clock_kind
            )
            if i.alert.case_id in cases
            else i.alert.clock_kind,
        }
        for i in items
    ]
    return render(
        request,
        "alerts/inbox.html",
        {"rows": rows, "total": total, "unread_only": unread_only},
    )


@router.get("/alerts")
def inbox_page(request: Request, session: DbSession, user: CurrentUser) -> Response:
    return _page(request, session, user)


def _back(form: FormFields) -> RedirectResponse:
    """Back where the form was (the inbox or the overview), never elsewhere."""
    target = form.get("next", "")
    return RedirectResponse(target if target in ("/alerts", "/overview") else "/alerts", 303)


@router.post("/alerts/{alert_id}/read")
def read(session: DbSession, user: CurrentUser, alert_id: RowId, form: FormFields) -> Response:
    service.mark_read(session=session, user=user, alert_id=alert_id, now=clock.now())
    return _back(form)


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(
    session: DbSession, user: CurrentUser, alert_id: RowId, form: FormFields
) -> Response:
    """A refusal (not a supervisor, not an escalation, no such alert) answers with the
    error page and its status."""
    service.acknowledge(
        session=session, user=user, alert_id=alert_id, note=form.get("note", ""), now=clock.now()
    )
    return _back(form)
