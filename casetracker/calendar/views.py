"""Admin page: which years are official, and entering a new year's arrangement."""

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from casetracker.auth.models import Role
from casetracker.calendar import service as calendar_service
from casetracker.calendar.days import package_years, statutory
from casetracker.cases import deadlines
from casetracker.core import clock
from casetracker.core.errors import Invalid
from casetracker.web.deps import CurrentUser, DbSession, FormFields, require_role
from casetracker.web.forms import form_refused
from casetracker.web.templating import render

router = APIRouter(
    prefix="/admin/calendar",
    include_in_schema=False,
    dependencies=[Depends(require_role(Role.ADMIN))],
)


def _context(session: DbSession, **extra: object) -> dict[str, object]:
    year = clock.today().year + 1
    hint = "\n".join(f"{d.isoformat()} {n}" for d, n in sorted(statutory(year).items()))
    return {
        "next_year": year,
        "package_first": min(package_years()),
        "package_last": max(package_years()),
        "arrangements": calendar_service.staff_arrangements(session=session),
        "statutory_hint": hint,
        **extra,
    }


@router.get("")
def calendar_page(request: Request, session: DbSession) -> Response:
    return render(request, "admin/calendar.html", _context(session))


@router.post("")
def enter_year(
    request: Request, session: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    try:
        saved = calendar_service.enter_year_as_typed(
            session=session,
            year=form.get("year"),
            holidays=form.get("holidays", ""),
            workdays=form.get("workdays", ""),
            source=form.get("source", ""),
            actor=user,
            recompute=deadlines.recompute_for_year,
        )
    except Invalid as exc:
        context = _context(session, error=exc.message, values=form)
        return form_refused(request, session, "admin/calendar.html", context)
    return RedirectResponse(
        f"/admin/calendar?saved={saved.year}&recomputed={saved.recomputed}", 303
    )
