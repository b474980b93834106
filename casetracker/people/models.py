"""Regions, sales reps, clients and insured people."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casetracker.auth.models import User
from casetracker.core.db import Base, UTCDateTime


class Region(Base):
    """参保地: 本市 (handled at our own bureau) or a 外地 city. Its own clock lengths (the
    local regulation) are `ClockTerm` rows."""

    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    is_local: Mapped[bool] = mapped_column(default=False)  # 本市
    cutoff_day: Mapped[int] = mapped_column(default=15)  # monthly declaration cut-off (1–28)
    # Its own group robot (a 外地 partner's group), besides the team's: gets the overdue
    # alerts and escalations of the region's cases. Kind "" means the team's kind.
    robot_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    robot_kind: Mapped[str] = mapped_column(String(20), default="", server_default="")
    robot_secret: Mapped[str] = mapped_column(String(200), default="", server_default="")

    __table_args__ = (CheckConstraint("cutoff_day BETWEEN 1 AND 28", name="cutoff_day_range"),)


class SalesRep(Base):
    """业务员: the link to the client and the employee; contacted, not necessarily a user."""

    __tablename__ = "sales_reps"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    phone: Mapped[str] = mapped_column(String(30), default="")
    wechat: Mapped[str] = mapped_column(String(50), default="")


class Client(Base):
    """客户 / 用工单位: the host company our dispatched employees work at."""

    __tablename__ = "clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)  # GB 32100
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(30), default="")
    address: Mapped[str] = mapped_column(String(200), default="")
    sales_rep_id: Mapped[int | None] = mapped_column(ForeignKey("sales_reps.id"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    default_region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    sales_rep: Mapped[SalesRep | None] = relationship()
    owner: Mapped[User | None] = relationship()
    default_region: Mapped[Region] = relationship()


class InsuredPerson(Base):
    """参保人: a dispatched employee whose social insurance we carry for one client."""

    __tablename__ = "insured_people"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)  # GB 11643, upper-case X
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id"), index=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    # Unknown for someone first recorded at an accident intake, until the roster says.
    hire_on: Mapped[date | None]
    leave_on: Mapped[date | None]
    contribution_base: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # 缴费基数
    phone: Mapped[str] = mapped_column(String(30), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    client: Mapped[Client] = relationship()
    region: Mapped[Region] = relationship()

    __table_args__ = (
        # One person may be dispatched to several clients over the years, once per client.
        UniqueConstraint("client_id", "id_number", name="uq_insured_people_client_id_number"),
        CheckConstraint("contribution_base >= 0", name="base_not_negative"),
        CheckConstraint("leave_on IS NULL OR leave_on >= hire_on", name="leave_after_hire"),
        # Head counts (who is insured today, per client and in all) from the index alone.
        Index("ix_insured_people_client_leave", "client_id", "leave_on"),
        # On PostgreSQL the search also has SEARCH_INDEXES, made by their migration.
    )


# PostgreSQL-only expression indexes of the insured search (migration 7b3f0e9a5c12): a GIN
# index over the name's characters (a fragment of any length, one Chinese character
# included) and a text_pattern_ops one over the reversed ID number (its last digits as an
# indexed prefix). `core.sql.name_contains` / `ends_with` write queries they serve.
SEARCH_INDEXES = frozenset({"ix_insured_people_name_chars", "ix_insured_people_id_reversed"})
