"""CSRF: a random token kept in the signed session, echoed by every form as `csrf_token`.

The check is an app-wide dependency, so no form route can forget it. `/api/v1` is exempt:
it authenticates with bearer tokens, never with the cookie, so a forged cross-site request
carries no credentials there.

A form refused by the check (its page was old, or the session expired) loses nothing: the
refusal keeps what was posted as an `ExpiredForm` on `request.state.expired_form`, and the
error page (`templates/errors/error.html`) shows it again, as a form posting the same fields
to the same URL with the session's current token, so one click sends it again.
"""

import hmac
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from starlette.datastructures import FormData, UploadFile

from casetracker.core.errors import Forbidden
from casetracker.core.i18n import _

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


@dataclass(frozen=True)
class AskedAgain:
    """A field whose value is not kept: a password (never echoed) or a file (a browser
    cannot be handed one back). `given` says whether the refused post carried a value,
    `filename` names the file that was chosen."""

    name: str
    given: bool
    filename: str = ""


@dataclass(frozen=True)
class ExpiredForm:
    """What a form refused by the CSRF check posted, to be shown and sent again."""

    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    passwords: list[AskedAgain] = field(default_factory=list)
    files: list[AskedAgain] = field(default_factory=list)
    multipart: bool = False
    needs_login: bool = False

    @property
    def typed(self) -> list[tuple[str, str]]:
        """The fields that hold something, for the summary on the page."""
        return [(name, value) for name, value in self.fields if value.strip()]

    @property
    def files_chosen(self) -> list[AskedAgain]:
        return [item for item in self.files if item.given]


def is_secret(name: str) -> bool:
    """Fields never written back into a page: the token itself and any password."""
    return name == FIELD or "password" in name.lower()


def _dependency_calls(dependant: Dependant) -> Iterator[Callable[..., Any] | None]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _dependency_calls(sub)


def _needs_login(request: Request) -> bool:
    """Whether the matched route wants a signed-in user (a page dependency on one)."""
    from casetracker.web.deps import _page_user  # deps loads the services; only needed here

    dependant = getattr(request.scope.get("route"), "dependant", None)
    return isinstance(dependant, Dependant) and any(
        call is _page_user for call in _dependency_calls(dependant)
    )


def expired_form(request: Request, form: FormData, *, multipart: bool) -> ExpiredForm:
    """The posted form, split into what can be sent again as it was and what must be given
    again (passwords, files)."""
    fields: list[tuple[str, str]] = []
    passwords: dict[str, AskedAgain] = {}
    files: dict[str, AskedAgain] = {}
    for name, value in form.multi_items():
        if name == FIELD:
            continue
        if isinstance(value, UploadFile):
            chosen = bool(value.filename) or bool(value.size)
            if name not in files or chosen:
                files[name] = AskedAgain(name, chosen, value.filename or "")
        elif is_secret(name):
            earlier = passwords.get(name)
            passwords[name] = AskedAgain(
                name, bool(value) or (earlier is not None and earlier.given)
            )
        else:
            fields.append((name, value))
    action = request.url.path + ("?" + request.url.query if request.url.query else "")
    return ExpiredForm(
        action=action,
        fields=fields,
        passwords=list(passwords.values()),
        files=list(files.values()),
        multipart=multipart,
        needs_login=_needs_login(request),
    )


async def csrf_protect(request: Request) -> None:
    if request.method in SAFE_METHODS or request.url.path.startswith("/api/"):
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(HEADER)
    form: FormData | None = None
    content_type = request.headers.get("content-type", "")
    if sent is None and content_type.startswith(FORM_TYPES):
        form = await request.form()
        value = form.get(FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        if form is not None:
            request.state.expired_form = expired_form(
                request, form, multipart=content_type.startswith("multipart/")
            )
        raise Forbidden(_("页面已过期，请重新提交"))
