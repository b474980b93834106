"""Admin page: which years are official, and entering a new year's arrangement."""

from datetime import date, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from casetracker.auth.models import Role
from casetracker.calendar import service as calendar_service
from casetracker.calendar.days import _statutory, package_years
from casetracker.core import clock
from casetracker.core.errors import Invalid
from casetracker.core.i18n import _
from casetracker.core.validation import LATEST_YEAR, parse_int
from casetracker.web.deps import CurrentUser, DbSession, FormFields, require_role
from casetracker.web.templating import render

router = APIRouter(
    prefix="/admin/calendar",
    include_in_schema=False,
    dependencies=[Depends(require_role(Role.ADMIN))],
)
MAX_SPAN_DAYS = 31
FIRST_YEAR = 2000  # the first year an arrangement may be entered for


def parse_days(text: str, year: int, label: str) -> list[tuple[date, str]]:
    """Lines like `2027-10-01~2027-10-07 国庆节` or `2027-02-13 春节`; errors name the line."""
    days: list[tuple[date, str]] = []
    errors: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        when, _sep, name = line.partition(" ")
        name = name.strip()[:50]
        first_text, _tilde, last_text = when.replace("～", "~").partition("~")
        try:
            first = date.fromisoformat(first_text)
            last = date.fromisoformat(last_text) if last_text else first
        except ValueError:
            errors.append(
                _("{label}第 {n} 行：日期应写成 YYYY-MM-DD 或 YYYY-MM-DD~YYYY-MM-DD").format(
                    label=label, n=number
                )
            )
            continue
        if not name:
            errors.append(_("{label}第 {n} 行：缺少节日名称").format(label=label, n=number))
        elif (
            first.year != year
            or last.year != year
            or last < first
            or (last - first).days > MAX_SPAN_DAYS
        ):
            errors.append(
                _("{label}第 {n} 行：日期应在 {year} 年内且起止顺序正确").format(
                    label=label, n=number, year=year
                )
            )
        else:
            days += [(first + timedelta(days=i), name) for i in range((last - first).days + 1)]
    if errors:
        raise Invalid("；".join(errors))
    return days


def _page(request: Request, session: DbSession, **extra: object) -> Response:
    year = clock.today().year + 1
    hint = "\n".join(f"{d.isoformat()} {n}" for d, n in sorted(_statutory(year).items()))
    return render(
        request,
        "admin/calendar.html",
        {
            "next_year": year,
            "package_first": min(package_years()),
            "package_last": max(package_years()),
            "arrangements": calendar_service.staff_arrangements(session=session),
            "statutory_hint": hint,
            **extra,
        },
        status_code=422 if extra.get("error") else 200,
    )


@router.get("")
def calendar_page(request: Request, session: DbSession) -> Response:
    return _page(request, session)


@router.post("")
def enter_year(
    request: Request, session: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    try:
        year = parse_int(form.get("year"))
        if year is None or not FIRST_YEAR <= year <= LATEST_YEAR:
            raise Invalid(_("年份应为 2000–2100 之间的整数"))
        holidays = parse_days(form.get("holidays", ""), year, _("放假日期"))
        workdays = parse_days(form.get("workdays", ""), year, _("调休上班日期"))
        if not holidays:
            raise Invalid(_("请至少录入一个放假日期"))
        weekday = next((d for d, _n in workdays if d.weekday() < 5), None)
        if weekday is not None:
            raise Invalid(
                _("{day} 本来就是工作日；调休上班日期应为周六或周日").format(
                    day=weekday.isoformat()
                )
            )
        clash = sorted({d for d, _n in holidays} & {d for d, _n in workdays})
        if clash:
            raise Invalid(_("{day} 不能既放假又上班").format(day=clash[0].isoformat()))
        recomputed = calendar_service.enter_year(
            session=session,
            year=year,
            holidays=holidays,
            workdays=workdays,
            actor=user,
            source=form.get("source", "").strip()[:200],
        )
    except Invalid as exc:
        return _page(request, session, error=exc.message, values=form)
    return RedirectResponse(f"/admin/calendar?saved={year}&recomputed={recomputed}", 303)
