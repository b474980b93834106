"""What the accident report says; the case row holds state, owner and clocks."""

from datetime import datetime

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
