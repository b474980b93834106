"""Case pages: the list, one case with its clocks, materials, contacts and timeline, and
firing a transition."""

from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BeforeValidator
from sqlalchemy.orm import Session
from starlette.responses import Response

from casetracker.auth import service as auth_service
from casetracker.auth.models import Role, User
from casetracker.calendar.periods import end_of_day
from casetracker.cases import corrections, listing, registry, timeline
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.cases.schemas import case_out, case_summaries
from casetracker.contacts import service as contact_service
from casetracker.contacts.models import CHANNEL_LABELS, PARTY_LABELS
from casetracker.core import clock
from casetracker.core.errors import DomainError, Forbidden, Invalid
from casetracker.core.i18n import _
from casetracker.core.pagination import PER_PAGE, Page, clamp_page
from casetracker.core.validation import PositiveId, blank_to_none, parse_int
from casetracker.materials import service as materials_service
from casetracker.packets import service as packet_service
from casetracker.people import service as people_service
from casetracker.web.deps import (
    CurrentCase,
    CurrentUser,
    DbSession,
    FormFields,
    PageNumber,
    SearchText,
    require_role,
)
from casetracker.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role())])
# The list's "due within" choices.
DUE_WITHIN = {"24h": timedelta(hours=24), "3d": timedelta(days=3)}


def due_before(due: str, now: datetime) -> datetime | None:
    """The `due` filter's bound: by the end of today (China time), within 24 h or 3 days."""
    if due == "today":
        return end_of_day(clock.local(now).date())
    return now + DUE_WITHIN[due] if due in DUE_WITHIN else None


Filter = Annotated[PositiveId | None, BeforeValidator(blank_to_none), Query()]
Name = Annotated[str, Query(max_length=40)]


@router.get("/cases")
def case_list(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    type: Name = "",
    state: Name = "",
    client: Filter = None,
    region: Filter = None,
    owner: Filter = None,
    mine: bool = False,
    overdue: bool = False,
    due: Annotated[Literal["", "today", "24h", "3d"], Query()] = "",
    open: bool = False,
    q: SearchText = "",
    page: PageNumber = 1,
) -> Response:
    now = clock.now()
    filters = listing.CaseFilter(
        due_before=due_before(due, now),
        open_only=open,
        search=q,
        type=type or None,
        state=state or None,
        client_id=client,
        region_id=region,
        owner_id=user.id if mine else owner,
        overdue=overdue,
    )

    def listed(page: int) -> tuple[list[listing.ListedCase], int]:
        return listing.list_page(
            session=session,
            filters=filters,
            now=now,
            offset=(page - 1) * PER_PAGE,
            limit=PER_PAGE,
            shown_only=True,
        )

    cases, total = listed(page)
    if (last := clamp_page(total, page)) != page:  # past the end: the last page
        page = last
        cases, total = listed(page)
    return render(
        request,
        "cases/list.html",
        {
            "page": Page(items=cases, total=total, page=page, per_page=PER_PAGE),
            "cases": case_summaries(cases, user, now),
            "workflows": registry.workflows(),
            "type": type,
            "state": state,
            "client": client,
            "region": region,
            "mine": mine,
            "owner": owner,
            "overdue": overdue,
            "due": due,
            "open": open,
            "q": q,
            "menus": people_service.filter_menus(session=session),
        },
    )


def case_page(
    request: Request,
    session: Session,
    case: Case,
    user: User,
    *,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    """One case: facts (with its type's details partial), clocks, next steps, materials,
    contacts, packets, timeline."""
    now = clock.now()
    case_type = registry.get(case.type)
    may_act = case_service.may_act(case, user)
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "view": case_out(case, user, now),
            "workflow": case_type.workflow,
            "case_type": case_type,
            "details": case_type.details(session, case),
            "checklist": materials_service.checklist(session=session, case=case),
            "contacts": contact_service.contacts(session=session, case=case),
            "specialists": people_service.list_specialists(session=session)
            if user.role == Role.SUPERVISOR
            else [],
            "packet_types": packet_service.types_for(case),
            "facts": corrections.current_facts(session=session, case=case) if may_act else [],
            "regions": people_service.region_choices(session=session) if may_act else [],
            "standing": {e.id for e in timeline.standing(case_type.workflow, case.transitions)},
            "packets": packet_service.packets(session=session, case=case),
            "may_act": may_act,
            "related": case_service.related(session=session, case=case),
            "workflows": registry.workflows(),
            "offspring": [
                t.opened_from
                for t in registry.all_types()
                if t.opened_from is not None
                and t.opened_from.parent_type == case.type
                and t.opened_from.available(case)
            ]
            if may_act
            else [],
            "company_missing": not request.app.state.settings.company_name,
            "parties": PARTY_LABELS,
            "channels": CHANNEL_LABELS,
            **extra,
        },
        status_code=status_code,
    )


def section_refused(
    request: Request,
    session: Session,
    case: Case,
    user: User,
    section: str,
    exc: DomainError,
    **extra: Any,
) -> Response:
    """The case page again, with the refusal shown in the section it concerns; rendered
    first, then the request's transaction rolled back (see `web.forms.form_refused`), so
    nothing the refused request did commits."""
    response = case_page(
        request,
        session,
        case,
        user,
        status_code=exc.status_code,
        section_error=(section, exc.message),
        **extra,
    )
    session.rollback()
    return response


@router.get("/cases/{case_id}")
def case_detail(
    request: Request, session: DbSession, user: CurrentUser, case: CurrentCase
) -> Response:
    return case_page(request, session, case, user)


@router.post("/cases/{case_id}/transitions/{name}")
def case_fire(
    request: Request,
    session: DbSession,
    user: CurrentUser,
    case: CurrentCase,
    name: Annotated[str, Path(max_length=40)],
    form: FormFields,
) -> Response:
    version = parse_int(form.get("version"))
    try:
        if version is None:
            message = _("案件版本无效，请刷新页面后重试")
            raise Invalid(message, field_errors={"version": message})
        case_service.fire(
            session=session,
            case=case,
            transition=name,
            version=version,
            raw_fields=form,
            actor=user,
            now=clock.now(),
            note=form.get("note", ""),
        )
    except Forbidden:
        raise
    except DomainError as exc:  # refused before anything was written: show why, keep input
        return case_page(
            request,
            session,
            case,
            user,
            status_code=exc.status_code,
            error=exc.message,
            failed=name,
            values=form,
            errors=exc.field_errors,
        )
    return RedirectResponse(f"/cases/{case.id}", 303)


def back_to_case(case_id: int, anchor: str) -> Response:
    """After a case-page form: back to the section it came from."""
    return RedirectResponse(f"/cases/{case_id}#{anchor}", 303)


@router.post("/cases/{case_id}/owner", dependencies=[Depends(require_role(Role.SUPERVISOR))])
def reassign(
    request: Request, session: DbSession, user: CurrentUser, case: CurrentCase, form: FormFields
) -> Response:
    owner = auth_service.get_user(session=session, username=form.get("owner", "")[:50])
    try:
        if owner is None or owner.role != Role.SPECIALIST or not owner.is_active:
            raise Invalid(_("负责人应为在职专员"))
        case_service.reassign(
            session=session,
            case=case,
            owner=owner,
            actor=user,
            now=clock.now(),
            reason=form.get("reason", ""),
        )
    except Invalid as exc:  # a closed or withdrawn case keeps its owner
        return section_refused(request, session, case, user, "owner", exc, owner_values=dict(form))
    return back_to_case(case.id, "top")


@router.post("/cases/{case_id}/corrections")
def correct(
    request: Request, session: DbSession, user: CurrentUser, case: CurrentCase, form: FormFields
) -> Response:
    """Correct an opening fact (`field`, `value`) or a recorded step (`transition_id` and
    that step's fields), with a `reason`; refused, the page shows why beside the form and
    keeps what was typed."""
    version = parse_int(form.get("version")) or 0
    step_id = parse_int(form.get("transition_id"))
    try:
        if form.get("transition_id"):
            if step_id is None:
                raise Invalid(_("transition_id：应为记录编号"))
            entry = next((t for t in case.transitions if t.id == step_id), None)
            spec = registry.workflow(case.type).transition(entry.name) if entry else None
            names = [f.name for f in spec.fields] if spec else []
            corrections.correct_step(
                session=session,
                case=case,
                version=version,
                transition_id=step_id,
                fields={name: form.get(name, "") for name in names} or {"": ""},
                reason=form.get("reason", ""),
                actor=user,
                now=clock.now(),
            )
            anchor = "timeline"
        else:
            corrections.correct_fact(
                session=session,
                case=case,
                version=version,
                field=form.get("field", ""),
                value=form.get("value", ""),
                reason=form.get("reason", ""),
                actor=user,
                now=clock.now(),
            )
            anchor = "top"
    except DomainError as exc:
        target = f"step-{step_id}" if form.get("transition_id") else f"fact-{form.get('field')}"
        return section_refused(
            request, session, case, user, target, exc, correction_values=dict(form)
        )
    return back_to_case(case.id, anchor)


@router.post("/cases/{case_id}/reopen")
def reopen(
    request: Request, session: DbSession, user: CurrentUser, case: CurrentCase, form: FormFields
) -> Response:
    try:
        corrections.reopen(
            session=session,
            case=case,
            version=parse_int(form.get("version")) or 0,
            reason=form.get("reason", ""),
            actor=user,
            now=clock.now(),
        )
    except DomainError as exc:
        return section_refused(
            request, session, case, user, "reopen", exc, correction_values=dict(form)
        )
    return back_to_case(case.id, "top")
