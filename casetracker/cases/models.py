"""Case, its transitions (the timeline) and its deadline clocks. Type-specific data lives in
each domain's own tables, keyed by the case id."""

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    event,
    false,
    inspect,
    text,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from casetracker.auth.models import User
from casetracker.calendar.periods import Unit
from casetracker.core.db import Base, UTCDateTime
from casetracker.people.models import Client, InsuredPerson, Region


class Case(Base):
    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(String(30))
    state: Mapped[str] = mapped_column(String(40))
    version: Mapped[int] = mapped_column(default=1)  # optimistic lock
    title: Mapped[str] = mapped_column(String(200), default="")
    # None for a case of no one client (a region's monthly batch).
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    insured_id: Mapped[int | None] = mapped_column(ForeignKey("insured_people.id"), index=True)
    # The case this one was opened from (an appraisal from its injury case).
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    # The insured person's name, copied here (kept in step on a rename, below) so that a
    # search by name finds cases through an index on cases alone.
    insured_name: Mapped[str] = mapped_column(String(50), default="", server_default="")
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The earliest due time of its open clocks (None: none runs), kept by the deadlines code
    # whenever a clock changes, so lists order and filter cases by an index.
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    client: Mapped[Client | None] = relationship()
    insured: Mapped[InsuredPerson | None] = relationship()
    region: Mapped[Region] = relationship()
    owner: Mapped[User] = relationship()
    clocks: Mapped[list["Clock"]] = relationship(back_populates="case", order_by="Clock.id")
    transitions: Mapped[list["CaseTransition"]] = relationship(
        back_populates="case", order_by="CaseTransition.id"
    )

    __table_args__ = (
        Index("ix_cases_type_state", "type", "state"),
        Index("ix_cases_next_due", "next_due_at", "id"),
        Index(
            "ix_cases_open_owner_next_due",
            "owner_id",
            "next_due_at",
            "id",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
        Index(
            "ix_cases_open_next_due",
            "next_due_at",
            "id",
            postgresql_where=text("closed_at IS NULL"),
            sqlite_where=text("closed_at IS NULL"),
        ),
    )


# PostgreSQL-only expression index of the case search by name (migration f3b8d1a6c904),
# written by the same `core.sql.name_contains` as the insured search's.
SEARCH_INDEXES = frozenset({"ix_cases_insured_name_chars"})


@event.listens_for(Session, "after_flush")
def _follow_renames(session: Session, _context: object) -> None:
    """A renamed insured person's cases carry the new name from the same flush on."""
    for person in session.dirty:
        if isinstance(person, InsuredPerson) and inspect(person).attrs.name.history.deleted:
            session.connection().execute(
                update(Case).where(Case.insured_id == person.id).values(insured_name=person.name)
            )


class CaseTransition(Base):
    """One fired transition: who, when it was recorded, when the event happened, and why."""

    __tablename__ = "case_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    name: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(40))
    to_state: Mapped[str] = mapped_column(String(40))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    event_at: Mapped[datetime] = mapped_column(UTCDateTime())
    note: Mapped[str] = mapped_column(String(2000), default="")
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship(back_populates="transitions")


class ClockStatus(enum.StrEnum):
    OPEN = "open"
    MET = "met"
    MISSED = "missed"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    REMINDER = "reminder"  # a reminder's clock: never met, missed or overdue


_STATUSES = ", ".join(f"'{s.value}'" for s in ClockStatus)
_UNITS = ", ".join(f"'{u.value}'" for u in Unit)


class Clock(Base):
    """A deadline as a row: the due time is a column, scanned through a partial index."""

    __tablename__ = "clocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(100))
    basis: Mapped[str] = mapped_column(String(200))  # the article or contract term
    unit: Mapped[Unit] = mapped_column(String(20))
    length: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    start_event: Mapped[str] = mapped_column(String(200))  # what started it, in words
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[ClockStatus] = mapped_column(String(20), default=ClockStatus.OPEN)
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    pauses: Mapped[list[list[str]]] = mapped_column(JSON, default=list)  # [[from, to], …]
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    provisional: Mapped[bool] = mapped_column(default=False)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The highest alert level raised for this clock so far (0: none, 1 warning, 2 overdue,
    # 3 + n the n-th repeat of the escalation), and when the alert scan should look at it
    # next (None: never; paused, stopped, or acknowledged past its last level).
    alert_level: Mapped[int] = mapped_column(default=0, server_default="0")
    next_alert_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    case: Mapped[Case] = relationship(back_populates="clocks")

    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),
        CheckConstraint(f"unit IN ({_UNITS})", name="unit_known"),
        CheckConstraint("alert_level >= 0", name="alert_level_not_negative"),
        Index(
            "ix_clocks_open_due",
            "due_at",
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
        Index(
            "ix_clocks_next_alert",
            "next_alert_at",
            postgresql_where=text("status = 'open'"),
            sqlite_where=text("status = 'open'"),
        ),
        Index(
            "ix_clocks_provisional",
            "provisional",
            postgresql_where=text("provisional"),
            sqlite_where=text("provisional"),
        ),
    )


class ClockTerm(Base):
    """A region's rule or a client's contract term for one clock, e.g. 客户合同：12 小时内报告.

    Exactly one of region_id / client_id is set. A region's row that `overrides` is the
    local regulation: it replaces the workflow's length there (杭州: 72 hours to file the
    accident report). Every other row is a further limit; the earliest due wins.
    """

    __tablename__ = "clock_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"), index=True)
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id"), index=True)
    case_type: Mapped[str] = mapped_column(String(30))
    kind: Mapped[str] = mapped_column(String(40))
    unit: Mapped[Unit] = mapped_column(String(20))
    length: Mapped[int]
    basis: Mapped[str] = mapped_column(String(200))
    overrides: Mapped[bool] = mapped_column(default=False, server_default=false())

    __table_args__ = (
        CheckConstraint("(region_id IS NULL) <> (client_id IS NULL)", name="one_scope"),
        CheckConstraint("length > 0", name="length_positive"),
        CheckConstraint(f"unit IN ({_UNITS})", name="unit_known"),
        CheckConstraint("NOT overrides OR region_id IS NOT NULL", name="only_regions_override"),
    )
