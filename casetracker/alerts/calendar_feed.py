"""A user's open clocks as a calendar feed (ICS), at a URL with a secret the user can renew
(the old URL stops at once) or revoke. Calendar apps fetch it without signing in, so the
secret is the only key: only its SHA-256 is stored, and the URL is shown once, when made."""

import hashlib
import secrets
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.alerts import words
from casetracker.audit import service as audit
from casetracker.auth.models import User
from casetracker.cases import registry
from casetracker.cases.models import Case, Clock, ClockStatus
from casetracker.core.errors import NotFound
from casetracker.core.i18n import _
from casetracker.core.settings import Settings
from casetracker.people.models import Client, InsuredPerson

PREFIX = "cal_"
REMIND_BEFORE = timedelta(hours=4)  # the calendar app's own reminder, besides our alerts


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def renew(*, session: Session, user: User) -> str:
    """A new secret for the user's feed (any earlier URL stops working); returned once."""
    secret = PREFIX + secrets.token_urlsafe(32)
    user.calendar_token_hash = _hash(secret)
    audit.record(
        session=session, actor=user, action="user.calendar_feed_renewed", subject_type="user",
        subject_id=user.id,
    )  # fmt: skip
    return secret


def revoke(*, session: Session, user: User) -> None:
    user.calendar_token_hash = None
    audit.record(
        session=session, actor=user, action="user.calendar_feed_revoked", subject_type="user",
        subject_id=user.id,
    )  # fmt: skip


def feed(*, session: Session, settings: Settings, secret: str, now: datetime) -> bytes:
    """The ICS of the open clocks of the cases the feed's owner is responsible for."""
    user = (
        session.scalar(select(User).where(User.calendar_token_hash == _hash(secret)))
        if secret.startswith(PREFIX)
        else None
    )
    if user is None or not user.is_active:
        raise NotFound(_("日历订阅不存在或已失效"))
    calendar = Calendar()
    calendar.add("prodid", "-//casetracker//时限//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"时限 · {user.display_name}")
    calendar.add("x-wr-timezone", "Asia/Shanghai")
    base = settings.base_url.rstrip("/")
    rows = session.execute(
        select(Clock, Case, Client.name, InsuredPerson.name, InsuredPerson.id_number)
        .join(Case, Case.id == Clock.case_id)
        .outerjoin(Client, Client.id == Case.client_id)
        .outerjoin(InsuredPerson, InsuredPerson.id == Case.insured_id)
        .where(Case.owner_id == user.id, Clock.status == ClockStatus.OPEN.value)
        .order_by(Clock.due_at)
    ).all()
    for row, case, client, person, id_number in rows:
        label = registry.workflow(case.type).clock_label(row.kind, row.label)
        event = Event()
        event.add("uid", f"clock-{row.id}@casetracker")
        event.add("dtstamp", now)
        event.add("dtstart", row.due_at)
        event.add("dtend", row.due_at)
        event.add("summary", f"【时限】#{case.id} {label}")
        lines = (
            f"客户：{client or '—'}",
            f"员工：{words.employee(person, id_number)}",
            f"案件：{case.title}",
            f"{base}/cases/{case.id}",
        )
        event.add("description", "\n".join(lines))
        event.add("url", f"{base}/cases/{case.id}")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"#{case.id} {label}")
        alarm.add("trigger", -REMIND_BEFORE)
        event.add_component(alarm)
        calendar.add_component(event)
    body: bytes = calendar.to_ical()
    return body
