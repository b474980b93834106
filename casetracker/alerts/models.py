"""Alerts, their deliveries and every attempt at one.

An alert is unique on (clock, level, repeat): a second scanner's insert of the same alert
is a no-op. A delivery is one alert to one recipient on one channel, with a stable key sent
along on every try; a sender claims it with a conditional update and a lease."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetracker.core.db import Base, UTCDateTime
from casetracker.core.i18n import N_


class Level(enum.StrEnum):
    WARNING = "warning"
    OVERDUE = "overdue"
    ESCALATION = "escalation"


LEVEL_LABELS = {
    Level.WARNING: N_("即将到期"),
    Level.OVERDUE: N_("已逾期"),
    Level.ESCALATION: N_("逾期上报主管"),
}


class Channel(enum.StrEnum):
    INBOX = "inbox"
    EMAIL = "email"
    WEBHOOK = "webhook"


class DeliveryStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class Outcome(enum.StrEnum):
    SENT = "sent"
    TRANSIENT = "transient"  # tried again later
    PERMANENT = "permanent"  # given up: a bad address, a rejected key


_LEVELS = ", ".join(f"'{m.value}'" for m in Level)
_CHANNELS = ", ".join(f"'{m.value}'" for m in Channel)
_STATUSES = ", ".join(f"'{m.value}'" for m in DeliveryStatus)
_OUTCOMES = ", ".join(f"'{m.value}'" for m in Outcome)


class Alert(Base):
    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(primary_key=True)
    clock_id: Mapped[int] = mapped_column(ForeignKey("clocks.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    level: Mapped[str] = mapped_column(String(20))
    repeat: Mapped[int] = mapped_column(default=0)  # the escalation's repeat, 0 first
    clock_kind: Mapped[str] = mapped_column(String(50))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())  # the clock's due time then
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    acknowledgement: Mapped[str] = mapped_column(Text, default="")

    deliveries: Mapped[list["Delivery"]] = relationship(
        back_populates="alert", order_by="Delivery.id"
    )

    __table_args__ = (
        UniqueConstraint("clock_id", "level", "repeat", name="uq_alerts_once"),
        CheckConstraint(f"level IN ({_LEVELS})", name="level_known"),
        Index(
            "ix_alerts_unacknowledged",
            "raised_at",
            postgresql_where=text("level = 'escalation' AND acknowledged_at IS NULL"),
            sqlite_where=text("level = 'escalation' AND acknowledged_at IS NULL"),
        ),
    )


class Delivery(Base):
    """One alert to one recipient on one channel. `recipient` is the user's id for the
    inbox and email, the robot's name for a webhook; `address` where it went. A daily
    summary is a delivery for a day (`summary_on`) instead of an alert, sent the same way."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alerts.id"), index=True)
    summary_on: Mapped[date | None] = mapped_column(Date)  # a daily summary's day
    channel: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recipient: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(String(500), default="")
    key: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default=DeliveryStatus.PENDING)
    attempt_count: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    claimed_by: Mapped[str] = mapped_column(String(100), default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the inbox's

    alert: Mapped[Alert | None] = relationship(back_populates="deliveries")
    attempts: Mapped[list["Attempt"]] = relationship(order_by="Attempt.id")

    __table_args__ = (
        UniqueConstraint(
            "alert_id", "channel", "recipient", name="uq_alert_deliveries_one_per_recipient"
        ),
        UniqueConstraint(
            "summary_on", "channel", "recipient", name="uq_alert_deliveries_one_summary"
        ),
        CheckConstraint("(alert_id IS NULL) <> (summary_on IS NULL)", name="alert_or_summary"),
        CheckConstraint(f"channel IN ({_CHANNELS})", name="channel_known"),
        CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),
        Index(
            "ix_alert_deliveries_pending",
            "next_attempt_at",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        Index(
            "ix_alert_deliveries_inbox",
            "user_id",
            "read_at",
            postgresql_where=text("channel = 'inbox'"),
            sqlite_where=text("channel = 'inbox'"),
        ),
    )


class Attempt(Base):
    """One try at handing a delivery over: when, how it ended and the error's words."""

    __tablename__ = "alert_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(ForeignKey("alert_deliveries.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    outcome: Mapped[str] = mapped_column(String(20))
    error: Mapped[str] = mapped_column(Text, default="")
    # The message it went in: a robot's merged message carries several deliveries.
    message: Mapped[str] = mapped_column(String(32), default="")

    __table_args__ = (CheckConstraint(f"outcome IN ({_OUTCOMES})", name="outcome_known"),)
