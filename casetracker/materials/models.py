"""Checklist items (data an admin edits) and attachments (stored in the database)."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from casetracker.core.db import Base, UTCDateTime
from casetracker.core.i18n import current_locale


class MaterialItem(Base):
    """One document a case type needs. `region_id` NULL: the default list for every region;
    a region's own rows replace the default row with the same code. `name` is the Chinese
    name (what packets print); `name_en` its English, empty when none was given."""

    __tablename__ = "material_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_type: Mapped[str] = mapped_column(String(30))
    region_id: Mapped[int | None] = mapped_column(ForeignKey("regions.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="", server_default="")
    required: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        UniqueConstraint(
            "case_type", "region_id", "code", name="uq_material_items_type_region_code"
        ),
    )

    def shown_name(self) -> str:
        """The name in the reader's language: the English one on English pages when there
        is one, else the Chinese. Packets (for the bureau) print `name`."""
        if current_locale.get() == "en" and self.name_en:
            return self.name_en
        return self.name


class AttachmentStatus(enum.StrEnum):
    """Where an upload stands. Rows are never deleted: a removed or replaced file stays in
    the table (and downloadable) with who took it off the checklist, when and why."""

    CURRENT = "current"  # on the checklist, and in the packets
    REMOVED = "removed"  # off the checklist before its packet went out (removed or swapped)
    SUPERSEDED = "superseded"  # replaced after its packet went out: listed as 已被替换


_STATUSES = ", ".join(f"'{s.value}'" for s in AttachmentStatus)


class Attachment(Base):
    """An uploaded file, kept in the database so a failed request can leave no orphan file
    behind and a database backup holds everything."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(50))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[AttachmentStatus] = mapped_column(
        String(12), default=AttachmentStatus.CURRENT, server_default=AttachmentStatus.CURRENT.value
    )
    # The upload that took its place (a replacement), if any.
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id"))
    # Who took it off the checklist (removed or replaced), when, and the reason they gave.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    retired_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    retired_reason: Mapped[str | None] = mapped_column(String(500))

    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUSES})", name="status_known"),
        CheckConstraint(
            "status = 'current' OR (retired_at IS NOT NULL AND retired_by_id IS NOT NULL "
            "AND retired_reason IS NOT NULL)",
            name="retirement_recorded",
        ),
        CheckConstraint(
            "status <> 'superseded' OR replaced_by_id IS NOT NULL", name="superseded_by_known"
        ),
    )
