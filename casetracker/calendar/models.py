"""Staff-entered calendar years: the days that differ from Monday–Friday."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casetracker.core.db import Base, UTCDateTime


class CalendarYear(Base):
    """A year whose arrangement staff entered; it overrides the package for that year."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    source: Mapped[str] = mapped_column(String(200), default="")  # e.g. 国办发明电〔2026〕X号


class CalendarDay(Base):
    """A holiday (is_workday false) or a 调休 weekend workday (is_workday true)."""

    __tablename__ = "calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(
        ForeignKey("calendar_years.year", ondelete="CASCADE"), index=True
    )
    is_workday: Mapped[bool]
    name: Mapped[str] = mapped_column(String(50))  # 国庆节, 春节 …
