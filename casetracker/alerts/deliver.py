"""Deliveries, handed over exactly once as far as a sender can make it so.

1. **Claim** (a unit of work of its own): a pending delivery whose time has come and whose
   lease, if any, has run out is claimed with a conditional update that sets a new lease;
   of two senders racing for it, one update matches and the other's changes nothing.
2. **Hand over**, outside any transaction: the email or the robot's message, carrying the
   delivery's key (Message-ID, X-Casetracker-Delivery), the same on every try.
3. **Record** (another unit of work): the attempt with its outcome and error; sent, or
   pending again after a back-off (transient), or failed (permanent, or out of attempts).

The one window left: a sender that dies after the hand-over and before the record. Its lease
runs out, another sender hands the delivery over again, with the same key, and a receiver
that remembers keys drops the repeat.

Group robots take about 20 messages a minute: the alerts pending for one robot go out
merged into one message (listing every key), and a robot that has had its messages for the
minute waits for the next.
"""

import os
import socket
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from casetracker.alerts import channels, words
from casetracker.alerts.channels import Mail, Result
from casetracker.alerts.models import Attempt, Channel, Delivery, DeliveryStatus, Outcome
from casetracker.alerts.robots import Robot, by_address
from casetracker.alerts.summary import Writer
from casetracker.core.db import session_scope
from casetracker.core.settings import Settings

CLAIM_BATCH = 200
MAX_BACKOFF = timedelta(hours=1)
ROBOT_MERGE = 30  # alerts in one robot message at most (it must stay readable)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class Claimed:
    id: int
    alert_id: int | None
    summary_on: date | None  # a daily summary's (alert_id is None)
    channel: str
    address: str
    key: str
    attempt_count: int


def _due(now: datetime) -> list[ColumnElement[bool]]:
    return [
        Delivery.status == DeliveryStatus.PENDING.value,
        Delivery.next_attempt_at <= now,
        or_(Delivery.lease_until.is_(None), Delivery.lease_until < now),
    ]


def _robot_sends_last_minute(session: Session, address: str, now: datetime) -> int:
    """How many messages went to this robot in the last minute (a merged message records
    one attempt per delivery it carried, all with the message's id)."""
    return (
        session.scalar(
            select(func.count(func.distinct(Attempt.message)))
            .join(Delivery, Delivery.id == Attempt.delivery_id)
            .where(
                Delivery.channel == Channel.WEBHOOK.value,
                Delivery.address == address,
                Attempt.at > now - timedelta(minutes=1),
            )
        )
        or 0
    )


def _candidates(
    session: Session, now: datetime, where: list[ColumnElement[bool]], limit: int
) -> list[Any]:
    return list(
        session.execute(
            select(
                Delivery.id,
                Delivery.alert_id,
                Delivery.summary_on,
                Delivery.channel,
                Delivery.address,
                Delivery.key,
                Delivery.attempt_count,
            )
            .where(*_due(now), *where)
            .order_by(Delivery.next_attempt_at, Delivery.id)
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Claims:
    deliveries: list[Claimed]
    more: bool  # a full batch of emails: more may be due


def claim(
    *, session: Session, settings: Settings, now: datetime, worker: str, summaries: bool = False
) -> Claims:
    """Claim the deliveries due now (see the module): emails, and for each robot what its
    rate leaves it this minute, each taken apart so a robot's backlog never holds the
    emails up. Daily summaries only with `summaries` (a sender able to write them)."""
    webhook = Delivery.channel == Channel.WEBHOOK.value
    kinds = [] if summaries else [Delivery.alert_id.is_not(None)]
    emails = _candidates(session, now, [~webhook, *kinds], CLAIM_BATCH)
    rows = list(emails)
    robots = session.scalars(select(Delivery.address).where(*_due(now), webhook).distinct())
    for address in list(robots):
        sent = _robot_sends_last_minute(session, address, now)
        room = max(settings.webhook_per_minute - sent, 0) * ROBOT_MERGE
        if room:  # else it has had its messages for the minute: a later scan
            rows += _candidates(session, now, [webhook, Delivery.address == address], room)
    lease_until = now + timedelta(seconds=settings.alert_lease_seconds)
    claimed: list[Claimed] = []
    for row in rows:
        won = session.execute(
            update(Delivery)
            .where(Delivery.id == row.id, *_due(now))
            .values(lease_until=lease_until, claimed_by=worker)
            .execution_options(synchronize_session=False)
        )
        if won.rowcount == 1:  # type: ignore[attr-defined]
            claimed.append(Claimed(*row))
    return Claims(claimed, more=len(emails) == CLAIM_BATCH)


def _backoff(settings: Settings, attempts: int) -> timedelta:
    seconds = settings.alert_retry_seconds * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def record(
    *,
    session: Session,
    settings: Settings,
    delivery: Claimed,
    result: Result,
    at: datetime,
    message: str = "",
) -> None:
    """One attempt's outcome, kept (with the message it went in); the delivery sent,
    pending again or failed."""
    attempts = delivery.attempt_count + 1
    session.add(
        Attempt(
            delivery_id=delivery.id,
            at=at,
            outcome=result.outcome,
            error=result.error,
            message=message or uuid.uuid4().hex,
        )
    )
    values: dict[str, object] = {"attempt_count": attempts, "lease_until": None}
    if result.outcome == Outcome.SENT:
        values |= {"status": DeliveryStatus.SENT.value, "sent_at": at}
    elif result.outcome == Outcome.PERMANENT or attempts >= settings.alert_max_attempts:
        values |= {"status": DeliveryStatus.FAILED.value}
    else:
        values |= {"next_attempt_at": at + _backoff(settings, attempts)}
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery.id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


Clock = Callable[[], datetime]


def deliver_pending(
    *,
    factory: sessionmaker[Session],
    settings: Settings,
    now: Clock,
    worker: str = "",
    summary: Writer | None = None,
) -> int:
    """Claim, hand over and record every delivery due now; the number handed over. Daily
    summaries are sent only by a sender given their `summary` writer."""
    worker = worker or worker_name()
    handed = 0
    while True:
        with session_scope(factory) as session:
            claims = claim(
                session=session,
                settings=settings,
                now=now(),
                worker=worker,
                summaries=summary is not None,
            )
            batch = claims.deliveries
            if not batch:
                return handed
            texts = _texts(session, settings, batch, summary, now())
            robots = by_address(
                session, settings, {d.address for d in batch if d.channel == Channel.WEBHOOK}
            )
        outcomes = _hand_over(settings, batch, texts, robots)
        with session_scope(factory) as session:
            at = now()
            for delivery, result, message in outcomes:
                record(
                    session=session,
                    settings=settings,
                    delivery=delivery,
                    result=result,
                    at=at,
                    message=message,
                )
        handed += sum(r.outcome == Outcome.SENT for _, r, _ in outcomes)
        if not claims.more:
            return handed


def _texts(
    session: Session,
    settings: Settings,
    batch: list[Claimed],
    summary: Writer | None,
    now: datetime,
) -> dict[int, words.Text]:
    """What each claimed delivery says, by its id: the alerts' words read in one query, a
    day's summary written once for all its recipients."""
    alerts = words.describe(
        session=session,
        settings=settings,
        alert_ids=sorted({d.alert_id for d in batch if d.alert_id is not None}),
    )
    summaries: dict[date | None, words.Text] = {}
    if summary is not None:
        for day in sorted({d.summary_on for d in batch if d.summary_on is not None}):
            summaries[day] = summary(session=session, settings=settings, day=day, now=now)
    found: dict[int, words.Text] = {}
    for delivery in batch:
        text = (
            alerts.get(delivery.alert_id)
            if delivery.alert_id is not None
            else summaries.get(delivery.summary_on)
        )
        if text is not None:
            found[delivery.id] = text
    return found


Outcomes = list[tuple[Claimed, Result, str]]  # each with the id of the message it went in


def _hand_over(
    settings: Settings,
    batch: list[Claimed],
    texts: dict[int, words.Text],
    robots: dict[str, Robot],
) -> Outcomes:
    outcomes: Outcomes = []
    by_robot: dict[str, list[Claimed]] = defaultdict(list)
    for delivery in batch:
        text = texts.get(delivery.id)
        if text is None:  # cannot happen (alerts are never deleted); say so if it does
            outcomes.append((delivery, Result(Outcome.PERMANENT, "alert not found"), ""))
        elif delivery.channel == Channel.EMAIL:
            mail = Mail(delivery.address, text.subject, text.text, text.html, delivery.key)
            outcomes.append((delivery, channels.send_mail(settings, mail), ""))
        elif delivery.channel == Channel.WEBHOOK:
            by_robot[delivery.address].append(delivery)
    for address, waiting in by_robot.items():
        for start in range(0, len(waiting), ROBOT_MERGE):
            group = waiting[start : start + ROBOT_MERGE]
            robot = robots.get(address, Robot(settings.webhook_kind, ""))
            outcomes.extend(_to_robot(robot, address, group, texts))
    return outcomes


def _to_robot(
    robot: Robot, address: str, group: list[Claimed], texts: dict[int, words.Text]
) -> Outcomes:
    """One merged message carrying `group`'s alerts."""
    shown = [texts[d.id] for d in group]
    title = shown[0].subject if len(shown) == 1 else f"{len(shown)} 条时限提醒"
    result = channels.send_robot(
        url=address,
        kind=robot.kind,
        secret=robot.secret,
        title=title,
        text="\n\n".join(t.text if robot.kind == "feishu" else t.markdown for t in shown),
        keys=[d.key for d in group],
    )
    message = uuid.uuid4().hex
    return [(d, result, message) for d in group]
