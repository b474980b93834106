"""Login, logout and the language switch; one's own profile (where alerts reach one) and the
calendar feed a calendar app fetches with its secret."""

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse
from starlette.responses import Response

from casetracker.alerts import calendar_feed
from casetracker.auth import profile
from casetracker.auth import service as auth_service
from casetracker.auth.models import User
from casetracker.auth.service import LoginFailed
from casetracker.core import clock
from casetracker.core.errors import Invalid
from casetracker.core.i18n import LOCALES
from casetracker.web.csrf import csrf_token
from casetracker.web.deps import (
    SESSION_USER_KEY,
    AppSettings,
    CurrentUser,
    DbSession,
    FormFields,
    client_ip,
    optional_page_user,
    require_role,
)
from casetracker.web.forms import form_refused
from casetracker.web.templating import render

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    """Only same-site paths, so the login page cannot be used as an open redirect."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login")
def login_form(
    request: Request, session: DbSession, next: Annotated[str, Query(max_length=500)] = "/"
) -> Response:
    if optional_page_user(request, session) is not None:
        return RedirectResponse(_safe_next(next), 303)
    return render(request, "auth/login.html", {"next": _safe_next(next)})


@router.post("/login")
def login_submit(
    request: Request, session: DbSession, settings: AppSettings, form: FormFields
) -> Response:
    username = form.get("username", "").strip()[:50]
    target = _safe_next(form.get("next"))
    try:
        user = auth_service.authenticate(
            session=session,
            username=username,
            password=form.get("password", "")[:200],
            settings=settings,
            ip=client_ip(request),
        )
    except LoginFailed as exc:
        # Not re-raised: the failure counter must commit with this request.
        return render(
            request,
            "auth/login.html",
            {"error": exc.message, "username": username, "next": target},
            status_code=401,
        )
    now = clock.now()
    previous = request.session.get(SESSION_USER_KEY)
    if isinstance(previous, str):  # signing in again in the same browser ends the old one
        auth_service.end_session(session=session, token=previous, now=now)
    request.session.clear()  # a fresh session (and CSRF token) after login: no fixation
    csrf_token(request)  # made now, so the cookie the login sets already carries it
    request.session[SESSION_USER_KEY] = auth_service.start_session(
        session=session, user=user, settings=settings, now=now
    )
    return RedirectResponse(target, 303)


@router.post("/logout")
def logout(request: Request, session: DbSession) -> Response:
    """Ends the session on the server, so the old cookie opens nothing afterwards."""
    sid = request.session.get(SESSION_USER_KEY)
    if isinstance(sid, str):
        auth_service.end_session(session=session, token=sid, now=clock.now())
    request.session.clear()
    return RedirectResponse("/login", 303)


@router.get("/lang/{code}")
def switch_language(
    request: Request,
    settings: AppSettings,
    code: Annotated[str, Path(max_length=10)],
    next: Annotated[str, Query(max_length=500)] = "/",
) -> Response:
    response = RedirectResponse(_safe_next(next), 303)
    if code in LOCALES:
        response.set_cookie(
            "lang",
            code,
            max_age=365 * 24 * 3600,
            samesite="lax",
            httponly=True,
            secure=settings.cookie_secure,
        )
    return response


# --- one's own profile (where alerts reach one) and calendar feed ---------------------------

profile_router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role())])


def _profile(request: Request, user: User, **extra: object) -> Response:
    values = {"email": user.email, "alert_email": user.alert_email}
    return render(request, "auth/profile.html", {"values": values, "errors": {}, **extra})


@profile_router.get("/profile")
def profile_page(request: Request, user: CurrentUser) -> Response:
    return _profile(request, user)


@profile_router.post("/profile")
def save_profile(
    request: Request, session: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    typed, wanted = form.get("email", ""), form.get("alert_email") == "true"
    try:
        profile.update(session=session, user=user, email=typed, alert_email=wanted)
    except Invalid as exc:
        return form_refused(
            request,
            session,
            "auth/profile.html",
            {
                "values": {"email": typed, "alert_email": wanted},
                "errors": exc.field_errors,
                "error": exc.message,
            },
        )
    return RedirectResponse("/profile?saved=1", status_code=303)


@profile_router.post("/profile/calendar")
def renew_feed(
    request: Request, session: DbSession, user: CurrentUser, settings: AppSettings
) -> Response:
    secret = calendar_feed.renew(session=session, user=user)
    url = f"{settings.base_url.rstrip('/')}/calendar/{secret}.ics"
    return _profile(request, user, feed_url=url)


@profile_router.post("/profile/calendar/revoke")
def revoke_feed(session: DbSession, user: CurrentUser) -> Response:
    calendar_feed.revoke(session=session, user=user)
    return RedirectResponse("/profile?saved=1", status_code=303)


@router.get("/calendar/{secret}.ics")
def calendar(secret: str, session: DbSession, settings: AppSettings) -> Response:
    """A calendar app's fetch: no session, the secret is the key."""
    body = calendar_feed.feed(
        session=session, settings=settings, secret=secret[:100], now=clock.now()
    )
    return Response(body, media_type="text/calendar; charset=utf-8")
