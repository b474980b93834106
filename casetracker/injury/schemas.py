"""The accident intake, as the form and the API send it."""

from datetime import date
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator

from casetracker.core import clock
from casetracker.core.i18n import N_
from casetracker.core.validation import (
    IdNumber,
    Moment,
    OptionalDay,
    OptionalId,
    Phone,
    PositiveId,
    blank_to_none,
    check_hire_on,
    text,
)


class EmployeeIn(BaseModel):
    """Who was hurt. Phone and hire date are optional at a night-time call; when given they
    complete the insured person's record if it lacks them."""

    model_config = ConfigDict(extra="ignore")

    name: text(50, min_length=1) = Field(title=N_("员工姓名"))  # type: ignore[valid-type]
    id_number: IdNumber = Field(title=N_("身份证号码"))
    phone: Phone = Field("", title=N_("员工电话"))
    hire_on: OptionalDay = Field(None, title=N_("入职日期"))

    @field_validator("hire_on")
    @classmethod
    def _hire_rule(cls, value: date | None, info: ValidationInfo) -> date | None:
        """The same rule as the insured-person form."""
        if value is None:
            return None
        return check_hire_on(value, info.data.get("id_number"), clock.today())


class AccidentIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    client_id: PositiveId = Field(title=N_("客户"))
    employee: EmployeeIn = Field(title=N_("员工"))
    region: Annotated[OptionalId | text(50), BeforeValidator(blank_to_none)] = Field(  # type: ignore[valid-type]
        None, title=N_("参保地")
    )
    accident_at: Moment = Field(title=N_("事故时间"))
    place: text(200, min_length=1) = Field(title=N_("事故地点"))  # type: ignore[valid-type]
    description: text(2000, min_length=1) = Field(title=N_("事故经过"))  # type: ignore[valid-type]
    injured_part: text(100) = Field("", title=N_("受伤部位"))  # type: ignore[valid-type]
    hospital: text(100) = Field("", title=N_("就诊医院"))  # type: ignore[valid-type]
    reporter_name: text(50) = Field("", title=N_("报告人"))  # type: ignore[valid-type]
    reporter_contact: text(50) = Field("", title=N_("报告人联系方式"))  # type: ignore[valid-type]
