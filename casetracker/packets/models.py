"""Every generated packet, kept with its hash and the case version it came from."""

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from casetracker.core.db import Base, UTCDateTime


class Packet(Base):
    __tablename__ = "packets"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    type: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]  # 1, 2, … per case and type
    case_version: Mapped[int]
    fingerprint: Mapped[str] = mapped_column(String(64))  # what it was made from
    sha256: Mapped[str] = mapped_column(String(64))
    final: Mapped[bool]
    pages: Mapped[int]
    size: Mapped[int]
    listed_ids: Mapped[int] = mapped_column(default=0, server_default="0")  # whole IDs in a list
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("case_id", "type", "version", name="uq_packets_case_type_version"),
    )
