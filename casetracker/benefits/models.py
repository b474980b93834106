"""Each region's wage figures by year: the average monthly wage in force (the 上年度 figure
the bureau publishes for that year) and the minimum monthly wage, entered by an admin."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casetracker.core.db import Base, UTCDateTime


class WageStandard(Base):
    __tablename__ = "wage_standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    year: Mapped[int]
    average_monthly_wage: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    minimum_wage: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("region_id", "year", name="uq_wage_standards_region_year"),
        CheckConstraint("average_monthly_wage > 0", name="average_positive"),
        CheckConstraint("minimum_wage IS NULL OR minimum_wage >= 0", name="minimum_not_negative"),
    )
