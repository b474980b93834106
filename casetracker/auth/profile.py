"""Page: a user's own profile, where alerts reach them besides the inbox (an email address,
and whether alerts go there)."""

import re

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from casetracker.audit import service as audit
from casetracker.core.errors import Invalid
from casetracker.core.i18n import _
from casetracker.web.deps import CurrentUser, DbSession, FormFields, require_role
from casetracker.web.forms import form_refused
from casetracker.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_role())])

# What an address must look like to be worth trying (the mail server has the last word).
EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


def check_email(text: str) -> str:
    address = text.strip()
    if address and (len(address) > 254 or not EMAIL.fullmatch(address)):
        raise Invalid(_("邮箱地址格式不正确"), field_errors={"email": _("邮箱地址格式不正确")})
    return address


@router.get("/profile")
def profile_page(request: Request, user: CurrentUser) -> Response:
    values = {"email": user.email, "alert_email": user.alert_email}
    return render(request, "auth/profile.html", {"values": values, "errors": {}})


@router.post("/profile")
def save_profile(
    request: Request, session: DbSession, user: CurrentUser, form: FormFields
) -> Response:
    typed, wanted = form.get("email", ""), form.get("alert_email") == "true"
    values = {"email": typed, "alert_email": wanted}
    try:
        address = check_email(typed)
    except Invalid as exc:
        return form_refused(
            request,
            session,
            "auth/profile.html",
            {"values": values, "errors": exc.field_errors, "error": exc.message},
        )
    before = {"email": user.email, "alert_email": user.alert_email}
    user.email, user.alert_email = address, wanted
    after = {"email": user.email, "alert_email": user.alert_email}
    if after != before:
        audit.record(
            session=session,
            actor=user,
            action="user.profile_updated",
            subject_type="user",
            subject_id=user.id,
            before=before,
            after=after,
        )
    return RedirectResponse("/profile?saved=1", status_code=303)
