"""A user's own profile: where alerts reach them besides the inbox (an email address, and
whether alerts go there)."""

import re

from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.core.errors import Invalid
from casetracker.core.i18n import _

# What an address must look like to be worth trying (the mail server has the last word).
EMAIL = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\"]+$")


def check_email(text: str) -> str:
    address = text.strip()
    if address and (len(address) > 254 or not EMAIL.fullmatch(address)):
        raise Invalid(_("邮箱地址格式不正确"), field_errors={"email": _("邮箱地址格式不正确")})
    return address


def update(*, session: Session, user: User, email: str, alert_email: bool) -> None:
    """Set where the user's alerts go (Invalid for an address that cannot be one); audited
    when something changed."""
    address = check_email(email)
    before = {"email": user.email, "alert_email": user.alert_email}
    user.email, user.alert_email = address, alert_email
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
