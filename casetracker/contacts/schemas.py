"""What a contact-log entry accepts (form or JSON)."""

from pydantic import BaseModel, ConfigDict, Field

from casetracker.contacts.models import Channel, Party
from casetracker.core.i18n import N_
from casetracker.core.validation import OptionalDay, OptionalMoment, text


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    party: Party = Field(title=N_("联系对象"))
    channel: Channel = Field(title=N_("联系方式"))
    note: text(2000, min_length=1) = Field(title=N_("内容"))  # type: ignore[valid-type]
    follow_up_on: OptionalDay = Field(None, title=N_("跟进日期"))
    contacted_at: OptionalMoment = Field(None, title=N_("联系时间"))
