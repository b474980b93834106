"""Pages: the benefit calculator (inputs typed or carried from a case page; nothing stored)
and, for admins, each region's wage figures by year."""

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from casetracker.auth.models import Role
from casetracker.benefits import calculator, standards
from casetracker.core import clock
from casetracker.core.errors import DomainError
from casetracker.core.i18n import _
from casetracker.core.money import parse_money
from casetracker.core.validation import parse_int
from casetracker.web.deps import CurrentUser, DbSession, FormFields, RowId, require_role
from casetracker.web.forms import form_refused
from casetracker.web.templating import render

router = APIRouter(include_in_schema=False)
Typed = Annotated[str, Query(max_length=20)]


def _money(value: str, label: str, errors: dict[str, str]) -> Decimal | None:
    try:
        return parse_money(value) if value.strip() else None
    except ValueError as exc:
        errors[label] = str(exc)
        return None


@router.get("/benefits", dependencies=[Depends(require_role())])
def calculator_page(
    request: Request,
    monthly_wages: Annotated[list[str], Query(max_length=12)] = [],  # noqa: B006
    area_average_monthly_wage: Typed = "",
    previous_year_area_average_monthly_wage: Typed = "",
    minimum_wage: Typed = "",
    grade: Typed = "",
    nursing_level: Typed = "",
) -> Response:
    """Every figure for what is typed; a field that cannot be read is named and nothing is
    computed."""
    errors: dict[str, str] = {}
    wages = [
        w for w in (_money(v, "monthly_wages", errors) for v in monthly_wages) if w is not None
    ]
    average = _money(area_average_monthly_wage, "area_average_monthly_wage", errors)
    previous = _money(
        previous_year_area_average_monthly_wage, "previous_year_area_average_monthly_wage", errors
    )
    minimum = _money(minimum_wage, "minimum_wage", errors)
    graded = parse_int(grade) if grade.strip() else None
    if grade.strip() and (graded is None or not 1 <= graded <= 10):
        errors["grade"] = _("应为 1–10，未达级留空")
    level = parse_int(nursing_level) if nursing_level.strip() else None
    if nursing_level.strip() and (level is None or not 1 <= level <= 3):
        errors["nursing_level"] = _("应为 1–3，无则留空")
    result = None
    asked = bool(request.query_params)
    if asked and not errors:
        if not wages:
            errors["monthly_wages"] = _("至少填写 1 个月的缴费工资")
        if not average or average <= 0:
            errors["area_average_monthly_wage"] = _("必填，且应大于 0")
        if not previous or previous <= 0:
            errors["previous_year_area_average_monthly_wage"] = _("必填，且应大于 0")
    if asked and not errors and average and previous:
        result = calculator.calculate(
            calculator.Inputs(wages, average, previous, graded, level, minimum)
        )
    return render(
        request,
        "benefits/calculator.html",
        {
            "r": result,
            "errors": errors,
            "values": dict(request.query_params),
            "wages": monthly_wages + [""] * (calculator.MAX_MONTHS - len(monthly_wages)),
        },
        status_code=422 if errors else 200,
    )


@router.get("/admin/wages", dependencies=[Depends(require_role(Role.ADMIN))])
def wages_page(request: Request, session: DbSession) -> Response:
    return render(request, "benefits/wages.html", {"rows": standards.listing(session=session)})


@router.post("/admin/wages/{region_id}", dependencies=[Depends(require_role(Role.ADMIN))])
def save_wages(
    request: Request, session: DbSession, user: CurrentUser, region_id: RowId, form: FormFields
) -> Response:
    try:
        standards.save(
            session=session, region_id=region_id, form=dict(form), actor=user, now=clock.now()
        )
    except DomainError as exc:
        return form_refused(
            request,
            session,
            "benefits/wages.html",
            {"rows": standards.listing(session=session), "error": exc.message},
            status_code=exc.status_code,
        )
    return RedirectResponse("/admin/wages?saved=1", 303)
