"""The scan: raise the alerts whose time has come, each exactly once, with their deliveries.

One indexed query selects the open clocks the scan should look at (`clocks.next_alert_at`
has passed; the deadlines code sets it whenever a clock changes, the scan after each look).
An alert is inserted so that a second scanner's insert of the same (clock, level, repeat)
is a no-op, and only the scanner whose insert went in creates its deliveries: several app
and scheduler processes may scan at once and nothing doubles.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from casetracker.alerts.levels import QuietHours, Raise, decide
from casetracker.alerts.models import Alert, Channel, Delivery, DeliveryStatus, Level
from casetracker.auth.models import Role, User
from casetracker.calendar.service import WorkCalendar
from casetracker.cases import deadlines, registry
from casetracker.cases.models import Case, Clock, ClockStatus
from casetracker.core.settings import Settings
from casetracker.core.sql import insert_unless_present
from casetracker.people.models import Region

BATCH = 1000  # clocks looked at per query; a scan goes on until none is left


@dataclass(frozen=True)
class ScanResult:
    looked_at: int
    raised: int


class _Audience:
    """Who receives a scan's alerts: warnings and overdue alerts go to the case's owner,
    escalations to every active supervisor and the owner; overdue alerts and escalations
    also to the team's robot and the case's region's own. The supervisors and the regions'
    robots are read once per scan, the owners come from the session's identity map after
    their first alert."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.team_robot = settings.webhook_url.strip()
        self._supervisors: list[User] | None = None
        self._region_robots: dict[int, str] | None = None

    def robots(self, level: Level, region_id: int) -> list[tuple[str, str]]:
        """(recipient, address) of each robot the alert goes to."""
        if level not in (Level.OVERDUE, Level.ESCALATION):
            return []
        if self._region_robots is None:
            self._region_robots = {
                row.id: row.robot_url
                for row in self.session.execute(
                    select(Region.id, Region.robot_url).where(Region.robot_url != "")
                )
            }
        found = [("robot:team", self.team_robot)] if self.team_robot else []
        own = self._region_robots.get(region_id, "").strip()
        if own and own != self.team_robot:
            found.append((f"robot:region:{region_id}", own))
        return found

    def of(self, level: Level, owner_id: int) -> list[User]:
        owner = self.session.get(User, owner_id)
        people = {owner_id: owner} if owner else {}
        if level == Level.ESCALATION:
            if self._supervisors is None:
                self._supervisors = list(
                    self.session.scalars(
                        select(User).where(User.role == Role.SUPERVISOR, User.is_active.is_(True))
                    )
                )
            people |= {user.id: user for user in self._supervisors}
        return [people[user_id] for user_id in sorted(people)]


def _delivery(alert_id: int, channel: Channel, now: datetime, **where: Any) -> Delivery:
    """A delivery with its stable key; the inbox's is delivered as it is made."""
    inbox = channel == Channel.INBOX
    return Delivery(
        alert_id=alert_id,
        channel=channel,
        key=uuid.uuid4().hex,
        status=DeliveryStatus.SENT if inbox else DeliveryStatus.PENDING,
        sent_at=now if inbox else None,
        next_attempt_at=None if inbox else now,
        **where,
    )


def _deliveries(
    session: Session,
    settings: Settings,
    audience: _Audience,
    alert_id: int,
    level: Level,
    clock: Any,
    now: datetime,
) -> None:
    email_on = bool(settings.smtp_host.strip())
    for user in audience.of(level, clock.owner_id):
        person = {"user_id": user.id, "recipient": f"user:{user.id}"}
        session.add(_delivery(alert_id, Channel.INBOX, now, address=user.username, **person))
        if email_on and user.email and user.alert_email:
            session.add(_delivery(alert_id, Channel.EMAIL, now, address=user.email, **person))
    for recipient, address in audience.robots(level, clock.region_id):
        session.add(_delivery(alert_id, Channel.WEBHOOK, now, recipient=recipient, address=address))


def _raise(
    session: Session,
    settings: Settings,
    audience: _Audience,
    clock: Any,
    item: Raise,
    now: datetime,
) -> bool:
    inserted = session.execute(
        insert_unless_present(
            session,
            Alert,
            {
                "clock_id": clock.id,
                "case_id": clock.case_id,
                "level": item.level.value,
                "repeat": item.repeat,
                "clock_kind": clock.kind,
                "due_at": clock.due_at,
                "raised_at": now,
                "acknowledgement": "",
            },
        ).returning(Alert.id)
    ).scalar()
    if inserted is None:  # another scanner raised it first
        return False
    _deliveries(session, settings, audience, inserted, item.level, clock, now)
    return True


def scan(*, session: Session, settings: Settings, now: datetime) -> ScanResult:
    """Raise every alert due at `now` (see `alerts.levels` for the rules)."""
    quiet = QuietHours.parse(settings.quiet_hours)
    calendars: list[WorkCalendar] = []  # loaded once, and only when a clock needs it

    def is_workday(day: date) -> bool:
        if not calendars:
            calendars.append(deadlines.load_calendar(session))
        return calendars[0].day(day).is_workday

    audience = _Audience(session, settings)
    looked_at = raised = 0
    after_id = 0
    while True:
        clocks = session.execute(
            select(
                Clock.id,
                Clock.case_id,
                Clock.kind,
                Clock.due_at,
                Clock.alert_level,
                Case.type,
                Case.owner_id,
                Case.region_id,
            )
            .join(Case, Case.id == Clock.case_id)
            .where(
                Clock.status == ClockStatus.OPEN.value,
                Clock.next_alert_at <= now,
                Clock.id > after_id,
            )
            .order_by(Clock.id)
            .limit(BATCH)
        ).all()
        if not clocks:
            return ScanResult(looked_at, raised)
        acknowledged = set(
            session.scalars(
                select(Alert.clock_id).where(
                    Alert.clock_id.in_([c.id for c in clocks]),
                    Alert.acknowledged_at.is_not(None),
                )
            )
        )
        for clock in clocks:
            decision = decide(
                spec=registry.workflow(clock.type).alerts(clock.kind),
                due_at=clock.due_at,
                progress=clock.alert_level,
                now=now,
                is_workday=is_workday,
                quiet=quiet,
                acknowledged=clock.id in acknowledged,
            )
            raised += sum(
                _raise(session, settings, audience, clock, item, now) for item in decision.raises
            )
            deadlines.alerts_raised(
                session=session,
                clock_id=clock.id,
                progress=decision.progress,
                next_at=decision.next_at,
            )
        looked_at += len(clocks)
        if len(clocks) < BATCH:  # the last batch: asking again would walk the rest for none
            return ScanResult(looked_at, raised)
        after_id = clocks[-1].id
