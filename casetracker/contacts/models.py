"""One contact with a sales rep, the client, the employee or the bureau."""

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from casetracker.core.db import Base, UTCDateTime
from casetracker.core.i18n import N_


class Party(enum.StrEnum):
    SALES_REP = "sales_rep"
    CLIENT = "client"
    EMPLOYEE = "employee"
    BUREAU = "bureau"


class Channel(enum.StrEnum):
    PHONE = "phone"
    WECHAT = "wechat"
    VISIT = "visit"
    MAIL = "mail"


PARTY_LABELS = {
    Party.SALES_REP: N_("业务员"),
    Party.CLIENT: N_("客户"),
    Party.EMPLOYEE: N_("员工"),
    Party.BUREAU: N_("社保局"),
}
CHANNEL_LABELS = {
    Channel.PHONE: N_("电话"),
    Channel.WECHAT: N_("微信"),
    Channel.VISIT: N_("上门"),
    Channel.MAIL: N_("邮寄"),
}


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    party: Mapped[Party] = mapped_column(String(20))
    channel: Mapped[Channel] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(2000))
    follow_up_on: Mapped[date | None]
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str] = mapped_column(String(100))
