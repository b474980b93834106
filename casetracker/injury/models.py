"""What the accident report says; the case row holds state, owner and clocks."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casetracker.core.db import Base, UTCDateTime


class InjuryDetails(Base):
    __tablename__ = "injury_details"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), primary_key=True)
    accident_at: Mapped[datetime] = mapped_column(UTCDateTime())
    place: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(2000))
    injured_part: Mapped[str] = mapped_column(String(100), default="")
    hospital: Mapped[str] = mapped_column(String(100), default="")
    reporter_name: Mapped[str] = mapped_column(String(50), default="")
    reporter_contact: Mapped[str] = mapped_column(String(50), default="")
    # 停工留薪期 (art. 33), as last recorded: from, months, an extension and its approval.
    paid_leave_start: Mapped[date | None]
    paid_leave_months: Mapped[int | None]
    paid_leave_extension_months: Mapped[int | None]
    paid_leave_extension_approved_on: Mapped[date | None]
