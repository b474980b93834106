"""CSRF: a random token kept in the signed session, echoed by every form as `csrf_token`.

The check is an app-wide dependency, so no form route can forget it. `/api/v1` is exempt:
it authenticates with bearer tokens, never with the cookie, so a forged cross-site request
carries no credentials there.
"""

import hmac
import secrets

from fastapi import HTTPException, Request

from casetracker.core.i18n import _

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


async def csrf_protect(request: Request) -> None:
    if request.method in SAFE_METHODS or request.url.path.startswith("/api/"):
        return
    expected = request.session.get("csrf")
    sent = request.headers.get(HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(FIELD)
            sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(expected, sent):
        raise HTTPException(403, _("页面已过期，请刷新后重新提交"))
