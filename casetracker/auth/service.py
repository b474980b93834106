"""Passwords (argon2), lock-out after repeated failures, users and API tokens."""

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, or_, select, update
from sqlalchemy.orm import Session, contains_eager, joinedload
from sqlalchemy.sql.selectable import ScalarSelect

from casetracker.audit import service as audit
from casetracker.auth.models import ApiToken, Role, User, UserSession
from casetracker.core import clock
from casetracker.core.errors import DomainError, Invalid, NotFound
from casetracker.core.i18n import _
from casetracker.core.settings import Settings

T = TypeVar("T")
_hasher = PasswordHasher()
# Verified against when the user does not exist, so timing does not reveal which names exist.
_DUMMY_HASH = _hasher.hash("not-a-real-password")
MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "ct_"


class LoginFailed(DomainError):
    status_code = 401


def _login_refused() -> LoginFailed:
    """One answer for every refusal (unknown user, wrong password, locked account), so the
    answer tells an attacker nothing about which accounts exist or are locked."""
    return LoginFailed(_("用户名或密码错误；连续输错多次后账户将暂时锁定"))


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


def _count_failure(*, session: Session, user: User, settings: Settings, now: datetime) -> bool:
    """Add one failure in a single UPDATE and lock in the same statement when it reaches the
    limit; return whether this failure locked the account. Concurrent wrong passwords each
    add their own one: the database does the arithmetic, no count is lost."""
    reaches_limit = User.failed_logins + 1 >= settings.login_max_failures
    row = session.execute(
        update(User)
        .where(User.id == user.id)
        .values(
            failed_logins=case((reaches_limit, 0), else_=User.failed_logins + 1),
            locked_until=case(
                (reaches_limit, now + timedelta(minutes=settings.login_lockout_minutes)),
                else_=User.locked_until,
            ),
        )
        .returning(User.failed_logins, User.locked_until)
        .execution_options(synchronize_session=False)
    ).one()
    session.expire(user)
    return bool(row.failed_logins == 0)


def _refused(session: Session, subject_id: int | str, ip: str | None, why: dict[str, Any]) -> None:
    """Audit a refused login (the caller then raises the one answer every refusal gets)."""
    audit.record(
        session=session,
        actor=None,
        action="user.login_failed",
        subject_type="user",
        subject_id=subject_id,
        ip=ip,
        after=why,
    )


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
        _refused(session, username[:50] or "-", ip, {"reason": "unknown or inactive user"})
        raise _login_refused()
    if user.locked_until is not None and user.locked_until > now:
        _verify(_DUMMY_HASH, password)  # the same time as any other refusal
        _refused(session, user.id, ip, {"username": user.username, "reason": "locked"})
        raise _login_refused()
    if not _verify(user.password_hash, password):
        user_id, name = user.id, user.username
        locked = _count_failure(session=session, user=user, settings=settings, now=now)
        _refused(session, user_id, ip, {"username": name, "reason": "wrong password"})
        if locked:
            audit.record(
                session=session,
                actor=None,
                action="user.locked",
                subject_type="user",
                subject_id=user_id,
                ip=ip,
            )
        raise _login_refused()
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
    end_sessions(session=session, user=user, now=clock.now())
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


def deactivate(*, session: Session, user: User, actor: User | None = None) -> None:
    """The user can no longer sign in; their browsers are signed out and tokens stop."""
    user.is_active = False
    end_sessions(session=session, user=user, now=clock.now())
    audit.record(
        session=session,
        actor=actor,
        action="user.deactivated",
        subject_type="user",
        subject_id=user.id,
    )


# --- browser sessions ---------------------------------------------------------------------


def start_session(*, session: Session, user: User, settings: Settings, now: datetime) -> str:
    """A new signed-in browser; returns the random id the cookie carries."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=_token_hash(token),
            created_at=now,
            expires_at=now + timedelta(seconds=settings.session_max_age_seconds),
        )
    )
    session.flush()
    return token


def user_for_session(
    *, session: Session, token: str, now: datetime, also: ScalarSelect[T]
) -> tuple[User, T] | None:
    """The active user of a live (not ended, not expired) session, else None; with `also`,
    a value every page shows (the unread alerts), selected in the same query for the
    user's id (`also` correlates to `users.id`)."""
    row = session.execute(
        select(UserSession, also)
        .join(UserSession.user)
        .options(contains_eager(UserSession.user))
        .where(
            UserSession.token_hash == _token_hash(token),
            UserSession.ended_at.is_(None),
            UserSession.expires_at > now,
        )
    ).first()
    if row is None or not row[0].user.is_active:
        return None
    return row[0].user, row[1]


def end_session(*, session: Session, token: str, now: datetime) -> None:
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == _token_hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=now)
    )


def end_sessions(*, session: Session, user: User, now: datetime) -> None:
    """Sign the user out everywhere (password change, deactivation)."""
    session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now)
        .execution_options(synchronize_session=False)
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
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == _token_hash(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.is_active:
        return None
    _note_use(session, row, clock.now())
    return row.user


# A token's last use is kept to the minute: one request a minute writes it.
TOKEN_USE_RESOLUTION = timedelta(minutes=1)


def _note_use(session: Session, row: ApiToken, now: datetime) -> None:
    """Record that the token was used, without making one client's parallel requests queue
    behind each other: at most once a minute, and only by a request that gets the row lock
    at once (`SKIP LOCKED`: the others skip it; their use falls in the same minute)."""
    stale = or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOKEN_USE_RESOLUTION)
    if row.last_used_at is not None and now - row.last_used_at <= TOKEN_USE_RESOLUTION:
        return
    mine = session.scalar(
        select(ApiToken.id).where(ApiToken.id == row.id, stale).with_for_update(skip_locked=True)
    )
    if mine is not None:
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == row.id)
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
