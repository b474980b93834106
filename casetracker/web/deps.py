"""The single home of request dependencies: DbSession, the current user, role checks, forms."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, HTTPException, Path, Query, Request
from sqlalchemy.orm import Session, sessionmaker

from casetracker.alerts import service as alerts_service
from casetracker.auth import service as auth_service
from casetracker.auth.models import Role, User
from casetracker.cases import service as case_service
from casetracker.cases.models import Case
from casetracker.core import clock
from casetracker.core.i18n import _
from casetracker.core.settings import Settings
from casetracker.core.validation import MAX_DB_INT

# The cookie's key for the random session id (see auth.models.UserSession).
SESSION_USER_KEY = "sid"


@dataclass(frozen=True)
class Viewer:
    """What pages show of the signed-in user; plain values, so an error page rendered after
    the request's database session has closed can still show them."""

    id: int
    username: str
    display_name: str
    role: Role


def _remember(request: Request, user: User) -> None:
    request.state.user = Viewer(user.id, user.username, user.display_name, user.role)


class LoginRequired(Exception):
    """No signed-in user: pages redirect to the login page, the API answers 401."""


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: commit on success, roll back on any error."""
    factory: sessionmaker[Session] = request.app.state.sessionmaker
    with factory.begin() as session:
        yield session


DbSession = Annotated[Session, Depends(get_session, scope="function")]


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


AppSettings = Annotated[Settings, Depends(get_settings)]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def _page_user(request: Request, session: DbSession) -> User:
    sid = request.session.get(SESSION_USER_KEY)
    found: tuple[User, int] | None = (
        auth_service.user_for_session(
            session=session,
            token=sid,
            now=clock.now(),
            also=alerts_service.unread_of_user(),  # every page shows them in its header
        )
        if isinstance(sid, str)
        else None
    )
    if found is None:
        request.session.pop(SESSION_USER_KEY, None)
        raise LoginRequired
    user, request.state.unread_alerts = found
    _remember(request, user)
    return user


def _api_user(request: Request, session: DbSession) -> User:
    scheme, _sep, token = request.headers.get("authorization", "").partition(" ")
    user = None
    if scheme.lower() == "bearer" and token.strip():
        user = auth_service.user_for_token(session=session, token=token.strip())
    if user is None:
        raise LoginRequired
    _remember(request, user)
    return user


CurrentUser = Annotated[User, Depends(_page_user)]
ApiUser = Annotated[User, Depends(_api_user)]


def optional_page_user(request: Request, session: DbSession) -> User | None:
    try:
        return _page_user(request, session)
    except LoginRequired:
        return None


def _check_role(user: User, roles: tuple[Role, ...]) -> User:
    if roles and user.role not in roles:
        raise HTTPException(403, _("当前角色无权进行此操作"))
    return user


def require_role(*roles: Role) -> Callable[[User], User]:
    """A page dependency: signed in, and (when roles are named) one of them."""

    def dependency(user: CurrentUser) -> User:
        return _check_role(user, roles)

    return dependency


def require_api_role(*roles: Role) -> Callable[[User], User]:
    """The API twin of `require_role`: bearer token, and (when named) one of the roles."""

    def dependency(user: ApiUser) -> User:
        return _check_role(user, roles)

    return dependency


async def _form_fields(request: Request) -> dict[str, str]:
    """The posted form's text fields (the CSRF check has usually parsed it already)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


FormFields = Annotated[dict[str, str], Depends(_form_fields)]
RowId = Annotated[int, Path(ge=1, le=MAX_DB_INT)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
SearchText = Annotated[str, Query(max_length=100)]


# --- the case a route works on -------------------------------------------------------------

CaseId = Annotated[int, Path(ge=1, le=MAX_DB_INT)]


def _page_case(session: DbSession, case_id: CaseId, _user: CurrentUser) -> Case:
    return case_service.require_case(session=session, case_id=case_id)


def _api_case(session: DbSession, case_id: CaseId, _user: ApiUser) -> Case:
    return case_service.require_case(session=session, case_id=case_id)


CurrentCase = Annotated[Case, Depends(_page_case)]
"""The case named by the path's `case_id`, for a signed-in user (404 when there is none)."""
ApiCase = Annotated[Case, Depends(_api_case)]


def _page_workable_case(case: CurrentCase, user: CurrentUser) -> Case:
    case_service.require_may_act(case, user)
    return case


def _api_workable_case(case: ApiCase, user: ApiUser) -> Case:
    case_service.require_may_act(case, user)
    return case


WorkableCase = Annotated[Case, Depends(_page_workable_case)]
"""The case, for its owner or a supervisor (403 otherwise): uploads, contacts, packets."""
ApiWorkableCase = Annotated[Case, Depends(_api_workable_case)]
