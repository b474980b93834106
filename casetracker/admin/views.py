"""Admin pages: the audit log, read only (the app offers no way to edit or delete it); the
staff's accounts (add, reset a password, unlock, deactivate and reactivate); the regions'
own group robots."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from casetracker.alerts import robots
from casetracker.audit import service as audit_service
from casetracker.auth import accounts
from casetracker.auth.models import ROLE_LABELS, Role
from casetracker.core import clock
from casetracker.core.errors import Invalid
from casetracker.core.i18n import _, translate
from casetracker.web.deps import CurrentUser, DbSession, FormFields, PageNumber, RowId, require_role
from casetracker.web.forms import form_refused
from casetracker.web.templating import render

router = APIRouter(
    prefix="/admin", include_in_schema=False, dependencies=[Depends(require_role(Role.ADMIN))]
)
Filter = Annotated[str, Query(max_length=100)]
PER_PAGE = 50


@router.get("/audit")
def audit_log(
    request: Request,
    session: DbSession,
    action: Filter = "",
    subject_type: Filter = "",
    actor: Filter = "",
    page: PageNumber = 1,
) -> Response:
    events, total = audit_service.list_events(
        session=session,
        action=action or None,
        subject_type=subject_type or None,
        actor=actor or None,
        offset=(page - 1) * PER_PAGE,
        limit=PER_PAGE,
    )
    return render(
        request,
        "admin/audit.html",
        {
            "events": events,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // PER_PAGE)),
            "action": action,
            "subject_type": subject_type,
            "actor": actor,
        },
    )


# --- staff accounts ------------------------------------------------------------------------


def _accounts(session: DbSession, **extra: object) -> dict[str, object]:
    return {
        "accounts": accounts.accounts(session=session, now=clock.now()),
        "role_choices": [(role.value, translate(ROLE_LABELS[role])) for role in Role],
        "values": {},
        "errors": {},
        **extra,
    }


def _refused(request: Request, session: DbSession, exc: Invalid, **extra: object) -> Response:
    """The page again with why (422); nothing the refused request did is kept."""
    context = _accounts(session, error=exc.message, errors=exc.field_errors, **extra)
    return form_refused(request, session, "admin/users.html", context)


def _done(what: str) -> Response:
    return RedirectResponse(f"/admin/users?{what}", 303)


@router.get("/users")
def users_page(request: Request, session: DbSession) -> Response:
    return render(request, "admin/users.html", _accounts(session))


@router.post("/users")
def add_user(request: Request, session: DbSession, user: CurrentUser, form: FormFields) -> Response:
    try:
        added = accounts.add(
            session=session,
            actor=user,
            username=form.get("username", ""),
            display_name=form.get("display_name", ""),
            role=form.get("role", ""),
            email=form.get("email", ""),
            password=form.get("password", ""),
            password2=form.get("password2", ""),
        )
    except Invalid as exc:
        kept = {k: v for k, v in form.items() if not k.startswith("password")}
        return _refused(request, session, exc, values=kept)
    return _done(f"added={added.username}")


@router.post("/users/{user_id}/password")
def reset_password(
    request: Request, session: DbSession, user: CurrentUser, user_id: RowId, form: FormFields
) -> Response:
    try:
        changed = accounts.reset_password(
            session=session,
            actor=user,
            user_id=user_id,
            password=form.get("password", ""),
            password2=form.get("password2", ""),
        )
    except Invalid as exc:
        return _refused(request, session, exc)
    return _done(f"password={changed.username}")


@router.post("/users/{user_id}/unlock")
def unlock(session: DbSession, user: CurrentUser, user_id: RowId) -> Response:
    changed = accounts.unlock(session=session, actor=user, user_id=user_id)
    return _done(f"unlocked={changed.username}")


@router.post("/users/{user_id}/deactivate")
def deactivate(request: Request, session: DbSession, user: CurrentUser, user_id: RowId) -> Response:
    try:
        changed = accounts.deactivate(session=session, actor=user, user_id=user_id)
    except Invalid as exc:
        return _refused(request, session, exc)
    return _done(f"deactivated={changed.username}")


@router.post("/users/{user_id}/reactivate")
def reactivate(session: DbSession, user: CurrentUser, user_id: RowId) -> Response:
    changed = accounts.reactivate(session=session, actor=user, user_id=user_id)
    return _done(f"reactivated={changed.username}")


# --- the regions' own group robots ---------------------------------------------------------


def _robots(session: DbSession, **extra: object) -> dict[str, object]:
    return {
        "regions": robots.region_robots(session=session),
        "kinds": [
            ("", _("同团队机器人")),
            ("wecom", _("企业微信")),
            ("dingtalk", _("钉钉")),
            ("feishu", _("飞书")),
        ],
        **extra,
    }


@router.get("/robots")
def robots_page(request: Request, session: DbSession) -> Response:
    return render(request, "admin/robots.html", _robots(session))


@router.post("/robots/{region_id}")
def set_robot(
    request: Request, session: DbSession, user: CurrentUser, region_id: RowId, form: FormFields
) -> Response:
    try:
        region = robots.set_region_robot(
            session=session,
            actor=user,
            region_id=region_id,
            url=form.get("url", ""),
            kind=form.get("kind", ""),
            secret=form.get("secret", ""),
        )
    except Invalid as exc:
        return form_refused(
            request, session, "admin/robots.html", _robots(session, error=exc.message)
        )
    return RedirectResponse(f"/admin/robots?saved={region.id}", 303)
