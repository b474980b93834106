"""Passwords (argon2), lock-out after repeated failures, users and API tokens."""

import hashlib
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.audit import service as audit
from casetracker.auth.models import ApiToken, Role, User
from casetracker.core import clock
from casetracker.core.errors import DomainError, Invalid, NotFound
from casetracker.core.i18n import _
from casetracker.core.settings import Settings

_hasher = PasswordHasher()
# Verified against when the user does not exist, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "ct_"


class LoginFailed(DomainError):
    status_code = 401


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def get_user(*, session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def require_user(*, session: Session, username: str) -> User:
    user = get_user(session=session, username=username)
    if user is None:
        raise NotFound(_("用户不存在：{name}").format(name=username))
    return user


def authenticate(
    *, session: Session, username: str, password: str, settings: Settings, ip: str | None
) -> User:
    """Return the user, or raise LoginFailed; count failures and lock after too many.

    The failure counter is committed by the caller even though login fails, so the caller
    must not roll back on LoginFailed (see auth.views.login_submit).
    """
    now = clock.now()
    user = get_user(session=session, username=username)
    if user is None or not user.is_active:
        _verify(_DUMMY_HASH, password)
        audit.record(
            session=session,
            actor=None,
            action="user.login_failed",
            subject_type="user",
            subject_id=username[:50] or "-",
            ip=ip,
            after={"reason": "unknown or inactive user"},
        )
        raise LoginFailed(_("用户名或密码错误"))
    if user.locked_until is not None and user.locked_until > now:
        until = clock.local(user.locked_until).strftime("%H:%M")
        raise LoginFailed(_("登录失败次数过多，账户已锁定至 {until}").format(until=until))
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        audit.record(
            session=session,
            actor=None,
            action="user.login_failed",
            subject_type="user",
            subject_id=user.id,
            ip=ip,
            after={"username": user.username, "failures": user.failed_logins},
        )
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
            user.failed_logins = 0
            audit.record(
                session=session,
                actor=None,
                action="user.locked",
                subject_type="user",
                subject_id=user.id,
                ip=ip,
            )
        session.flush()
        raise LoginFailed(_("用户名或密码错误"))
    user.failed_logins = 0
    user.locked_until = None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(
        session=session,
        actor=user,
        action="user.login",
        subject_type="user",
        subject_id=user.id,
        ip=ip,
    )
    return user


def add_user(
    *,
    session: Session,
    username: str,
    role: Role,
    password: str,
    display_name: str | None = None,
    actor: User | None = None,
) -> User:
    username = username.strip()
    if not username or len(username) > 50 or not username.isprintable():
        raise Invalid(_("用户名应为 1–50 个可打印字符"))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(_("密码至少 {n} 个字符").format(n=MIN_PASSWORD_LENGTH))
    if get_user(session=session, username=username) is not None:
        raise Invalid(_("用户名已存在：{name}").format(name=username))
    user = User(
        username=username,
        display_name=display_name or username,
        role=role,
        password_hash=hash_password(password),
        created_at=clock.now(),
    )
    session.add(user)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="user.created",
        subject_type="user",
        subject_id=user.id,
        after={"username": username, "role": role.value},
    )
    return user


def set_password(*, session: Session, user: User, password: str, actor: User | None) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(_("密码至少 {n} 个字符").format(n=MIN_PASSWORD_LENGTH))
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    audit.record(
        session=session,
        actor=actor,
        action="user.password_set",
        subject_type="user",
        subject_id=user.id,
    )


def unlock(*, session: Session, user: User, actor: User | None = None) -> None:
    user.failed_logins = 0
    user.locked_until = None
    audit.record(
        session=session,
        actor=actor,
        action="user.unlocked",
        subject_type="user",
        subject_id=user.id,
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(*, session: Session, user: User, name: str = "cli") -> str:
    """Create a token and return it; it is shown once and only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(user_id=user.id, name=name, token_hash=_token_hash(token), created_at=clock.now())
    )
    session.flush()
    audit.record(
        session=session,
        actor=user,
        action="token.created",
        subject_type="user",
        subject_id=user.id,
        after={"name": name},
    )
    return token


def user_for_token(*, session: Session, token: str) -> User | None:
    row = session.scalar(
        select(ApiToken).where(
            ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None)
        )
    )
    if row is None or not row.user.is_active:
        return None
    row.last_used_at = clock.now()
    return row.user
