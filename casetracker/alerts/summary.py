"""The supervisors' daily summary email, planned once a day however many processes run.

From `CASETRACKER_DAILY_SUMMARY_AT` (China time; `off`: none) each scan checks whether
today's summary is planned; if not, it inserts one email delivery per active supervisor
with an address, each unique on (day, channel, recipient), so a second process's insert is
a no-op. The deliveries then go the way of every other (claim, lease, hand-over, record,
retry); what they say is written when they are handed over (`Writer`, the overview's), so
a summary sent late after a retry says how things stand then.
"""

import uuid
from datetime import date, datetime, time
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.alerts.models import Channel, Delivery, DeliveryStatus
from casetracker.alerts.words import Text
from casetracker.auth.models import Role, User
from casetracker.core.clock import local
from casetracker.core.settings import Settings
from casetracker.core.sql import insert_unless_present


class Writer(Protocol):
    """What a day's summary says (see `overview.summary.write`)."""

    def __call__(
        self, *, session: Session, settings: Settings, day: date, now: datetime
    ) -> Text: ...


def summary_time(settings: Settings) -> time | None:
    """When the day's summary goes out, or None (`off`)."""
    value = settings.daily_summary_at.strip()
    return None if value.lower() in ("", "off", "none") else time.fromisoformat(value)


def plan(*, session: Session, settings: Settings, now: datetime) -> int:
    """Plan today's summary if its time has come and nobody planned it yet; how many
    deliveries this call planned (0 when another process had)."""
    at = summary_time(settings)
    moment = local(now)
    if at is None or not settings.smtp_host.strip() or moment.time() < at:
        return 0
    day = moment.date()
    if session.scalar(select(Delivery.id).where(Delivery.summary_on == day).limit(1)):
        return 0  # planned (a supervisor added later in the day gets tomorrow's)
    supervisors = session.scalars(
        select(User)
        .where(
            User.role == Role.SUPERVISOR,
            User.is_active.is_(True),
            User.email != "",
            User.alert_email.is_(True),
        )
        .order_by(User.id)
    )
    planned = 0
    for user in supervisors:
        inserted = session.execute(
            insert_unless_present(
                session,
                Delivery,
                {
                    "summary_on": day,
                    "channel": Channel.EMAIL.value,
                    "user_id": user.id,
                    "recipient": f"user:{user.id}",
                    "address": user.email,
                    "key": uuid.uuid4().hex,
                    "status": DeliveryStatus.PENDING.value,
                    "next_attempt_at": now,
                },
            ).returning(Delivery.id)
        ).scalar()
        planned += inserted is not None
    return planned
