"""An admin's management of the staff's accounts (the page beside the CLI's `user` commands):
add, deactivate and reactivate, reset a password, unlock. Each change is audited with the
admin as its actor."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth import service
from casetracker.auth.models import Role, User
from casetracker.auth.profile import check_email
from casetracker.core.errors import Invalid, NotFound
from casetracker.core.i18n import _


@dataclass(frozen=True)
class Account:
    """A user as the accounts page lists them."""

    id: int
    username: str
    display_name: str
    role: Role
    email: str
    is_active: bool
    locked: bool


def accounts(*, session: Session, now: datetime) -> list[Account]:
    """Every user, active ones first, then by login."""
    users = session.scalars(select(User).order_by(User.is_active.desc(), User.username))
    return [
        Account(
            id=u.id,
            username=u.username,
            display_name=u.display_name,
            role=u.role,
            email=u.email,
            is_active=u.is_active,
            locked=u.locked_until is not None and u.locked_until > now,
        )
        for u in users
    ]


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(_("用户不存在"))
    return user


def _same(password: str, again: str) -> str:
    if password != again:
        raise Invalid(
            _("两次输入的密码不一致"), field_errors={"password2": _("两次输入的密码不一致")}
        )
    return password


def add(
    *,
    session: Session,
    actor: User,
    username: str,
    display_name: str,
    role: str,
    email: str,
    password: str,
    password2: str,
) -> User:
    """A new account (`role` as the form sends it); Invalid says which field is wrong."""
    if role not in set(Role):
        raise Invalid(_("请选择角色"), field_errors={"role": _("请选择角色")})
    address = check_email(email)
    user = service.add_user(
        session=session,
        username=username,
        role=Role(role),
        password=_same(password, password2),
        display_name=display_name.strip() or None,
        actor=actor,
    )
    user.email = address
    return user


def reset_password(
    *, session: Session, actor: User, user_id: int, password: str, password2: str
) -> User:
    """A new password; the user's browsers are signed out (as `user password`)."""
    user = _user(session, user_id)
    service.set_password(
        session=session, user=user, password=_same(password, password2), actor=actor
    )
    return user


def unlock(*, session: Session, actor: User, user_id: int) -> User:
    user = _user(session, user_id)
    service.unlock(session=session, user=user, actor=actor)
    return user


def deactivate(*, session: Session, actor: User, user_id: int) -> User:
    """No more signing in; browsers signed out, tokens stopped. An admin cannot lock
    themselves out this way (another admin, or the CLI, can)."""
    user = _user(session, user_id)
    if user.id == actor.id:
        raise Invalid(_("不能停用自己的账户"))
    service.deactivate(session=session, user=user, actor=actor)
    return user


def reactivate(*, session: Session, actor: User, user_id: int) -> User:
    """Undo a deactivation: the user signs in again with their password (their old
    browsers stay signed out)."""
    user = _user(session, user_id)
    if not user.is_active:
        user.is_active = True
        audit.record(
            session=session,
            actor=actor,
            action="user.reactivated",
            subject_type="user",
            subject_id=user.id,
        )
    return user
