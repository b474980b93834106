"""What forms and the API accept and return for clients and insured people."""

from datetime import date
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from casetracker.auth.schemas import PersonOut
from casetracker.core import clock
from casetracker.core.i18n import N_, _
from casetracker.core.validation import (
    CreditCode,
    Day,
    IdNumber,
    OptionalDay,
    OptionalId,
    Phone,
    PositiveId,
    PositiveMoney,
    blank_to_none,
    check_hire_on,
    text,
)

OptionalDate = OptionalDay
OptionalIdNumber = Annotated[IdNumber | None, BeforeValidator(blank_to_none)]


class ClientForm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: text(100, min_length=1) = Field(title=N_("客户名称"))  # type: ignore[valid-type]
    credit_code: CreditCode = Field(title=N_("统一社会信用代码"))
    contact_name: text(50) = Field("", title=N_("联系人"))  # type: ignore[valid-type]
    contact_phone: Phone = Field("", title=N_("联系电话"))
    address: text(200) = Field("", title=N_("地址"))  # type: ignore[valid-type]
    sales_rep_id: OptionalId = Field(None, title=N_("业务员"))
    owner_id: OptionalId = Field(None, title=N_("负责专员"))
    default_region_id: PositiveId = Field(title=N_("默认参保地"))


class InsuredForm(BaseModel):
    """On edit a blank `id_number` keeps the stored one (the form never shows it whole)."""

    model_config = ConfigDict(extra="ignore")

    name: text(50, min_length=1) = Field(title=N_("姓名"))  # type: ignore[valid-type]
    id_number: OptionalIdNumber = Field(None, title=N_("身份证号码"))
    client_id: PositiveId = Field(title=N_("客户"))
    region_id: OptionalId = Field(None, title=N_("参保地"))
    hire_on: Day = Field(title=N_("入职日期"))
    leave_on: OptionalDate = Field(None, title=N_("离职日期"))
    contribution_base: PositiveMoney = Field(title=N_("缴费基数"))
    phone: Phone = Field("", title=N_("联系电话"))

    @field_validator("hire_on")
    @classmethod
    def _of_working_age(cls, value: date, info: ValidationInfo) -> date:
        return check_hire_on(value, info.data.get("id_number"), clock.today())

    @field_validator("leave_on")
    @classmethod
    def _leave_after_hire(cls, value: date | None, info: ValidationInfo) -> date | None:
        hire_on = info.data.get("hire_on")
        if value is not None and hire_on is not None and value < hire_on:
            raise ValueError(_("不能早于入职日期"))
        return value


class ClientOut(BaseModel):
    id: int
    name: str
    credit_code: str
    default_region: str
    sales_rep: str | None
    owner: PersonOut | None


class InsuredOut(BaseModel):
    id: int
    name: str
    id_number: str = Field(description="除有权查看完整号码的角色外均为脱敏显示")
    id_number_masked: bool
    client_id: int
    client: str
    region: str
    hire_on: date | None
    leave_on: date | None
    contribution_base: str | None


T = TypeVar("T")


class ListOut(BaseModel, Generic[T]):
    items: list[T]
    total: int
    offset: int
    limit: int
