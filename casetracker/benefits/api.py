"""JSON API: the benefit calculator, for anyone signed in (it stores nothing)."""

from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from casetracker.auth.models import User
from casetracker.benefits import calculator
from casetracker.core.i18n import N_
from casetracker.core.validation import MoneyText, PositiveMoneyText
from casetracker.web.deps import require_api_role
from casetracker.web.errors import API_ERRORS

router = APIRouter(prefix="/api/v1", tags=["benefits"], responses=API_ERRORS)
ApiCaller = Annotated[User, Depends(require_api_role())]


class CalculateIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "monthly_wages": ["8000.00", "8200.00", "7900.00"],
                    "area_average_monthly_wage": "12183.00",
                    "previous_year_area_average_monthly_wage": "11396.00",
                    "minimum_wage": "2690.00",
                    "grade": 7,
                    "nursing_level": None,
                }
            ]
        },
    )

    monthly_wages: list[MoneyText] = Field(
        min_length=1, max_length=12, title=N_("受伤前 12 个月的月缴费工资")
    )
    area_average_monthly_wage: PositiveMoneyText = Field(title=N_("当地职工月平均工资"))
    previous_year_area_average_monthly_wage: PositiveMoneyText = Field(
        title=N_("上年度当地职工月平均工资")
    )
    minimum_wage: MoneyText | None = Field(default=None, title=N_("当地最低工资标准"))
    grade: Annotated[int, Field(strict=True, ge=1, le=10)] | None = Field(
        default=None, title=N_("伤残等级（null：未达级）")
    )
    nursing_level: Annotated[int, Field(strict=True, ge=1, le=3)] | None = Field(
        default=None, title=N_("生活护理等级")
    )


class ItemOut(BaseModel):
    code: str
    label: str
    formula: str
    basis: str
    amount: str


class CalculateOut(BaseModel):
    personal_wage: str
    clamp: str | None
    personal_wage_formula: str
    personal_wage_basis: str
    items: list[ItemOut]


@router.post("/benefits/calculate")
def calculate(body: CalculateIn, _caller: ApiCaller) -> CalculateOut:
    """本人工资 and every benefit owed for the grade and nursing level, each with its formula
    and article; amounts as strings to the cent. A benefit not owed is absent."""
    result = calculator.calculate(
        calculator.Inputs(
            monthly_wages=body.monthly_wages,
            area_average_monthly_wage=body.area_average_monthly_wage,
            previous_year_area_average_monthly_wage=body.previous_year_area_average_monthly_wage,
            grade=body.grade,
            nursing_level=body.nursing_level,
            minimum_wage=body.minimum_wage,
        )
    )
    wage = result.personal_wage
    return CalculateOut(
        personal_wage=f"{wage.amount:.2f}",
        clamp=wage.clamp,
        personal_wage_formula=wage.formula,
        personal_wage_basis=wage.basis,
        items=[
            ItemOut(
                code=i.code,
                label=i.label,
                formula=i.formula,
                basis=i.basis,
                amount=f"{i.amount:.2f}",
            )
            for i in result.items
        ],
    )
